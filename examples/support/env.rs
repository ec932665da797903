//! What the examples share: credentials from the environment and the time.
//! (Included with `#[path]`; not an example itself.)

use awsig::{Credentials, Error, SigningTime};

/// AWS's documented example access key id.
pub const EXAMPLE_ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
/// AWS's documented example secret access key.
pub const EXAMPLE_SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// The credential triple from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`
/// and `AWS_SESSION_TOKEN`, or AWS's example credentials (with a notice on
/// stderr) when the first two are unset.
pub struct EnvCredentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

impl EnvCredentials {
    pub fn load(program: &str) -> Result<Self, String> {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(access_key_id), Some(secret_access_key)) => Ok(Self {
                access_key_id,
                secret_access_key,
                session_token: var("AWS_SESSION_TOKEN"),
            }),
            (None, None) => {
                eprintln!(
                    "{program}: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; using AWS's documented example credentials"
                );
                Ok(Self {
                    access_key_id: EXAMPLE_ACCESS_KEY_ID.into(),
                    secret_access_key: EXAMPLE_SECRET_ACCESS_KEY.into(),
                    session_token: None,
                })
            }
            _ => Err("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither".into()),
        }
    }

    pub fn credentials(&self) -> Result<Credentials<'_>, Error> {
        Credentials::new(
            &self.access_key_id,
            &self.secret_access_key,
            self.session_token.as_deref(),
        )
    }
}

/// `--time RFC3339` if given, else the system clock.
pub fn time(arg: Option<&str>) -> Result<SigningTime, String> {
    match arg {
        Some(t) => SigningTime::parse_rfc3339(t).map_err(|e| format!("--time {t}: {e}")),
        None => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|_| "the system clock is before 1970".to_owned())?
                .as_secs();
            SigningTime::from_unix_seconds(secs as i64).map_err(|e| e.to_string())
        }
    }
}

/// The value after `--time` in the arguments, if any.
pub fn time_arg(args: &[String]) -> Option<&str> {
    args.iter()
        .position(|a| a == "--time")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}
