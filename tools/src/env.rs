//! What the tools take from their environment: the credentials and the time.

use std::fmt;

use awsig::{Credentials, Error, SigningTime};

/// AWS's documented example access key id.
pub const EXAMPLE_ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
/// AWS's documented example secret access key.
pub const EXAMPLE_SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// AWS's example credentials, with `session_token` if given.
///
/// # Panics
/// When the session token is empty or holds a control character.
pub fn example_credentials(session_token: Option<&str>) -> Credentials<'_> {
    Credentials::new(
        EXAMPLE_ACCESS_KEY_ID,
        EXAMPLE_SECRET_ACCESS_KEY,
        session_token,
    )
    .expect("AWS's example credentials and a well-formed session token")
}

/// The credential triple from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`
/// and `AWS_SESSION_TOKEN`, or AWS's example credentials when the first two
/// are unset.
pub struct EnvCredentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    /// Whether these are AWS's example credentials.
    example: bool,
}

/// One of `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` is set, the other
/// is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HalfSet {
    AccessKeyIdOnly,
    SecretAccessKeyOnly,
}

impl fmt::Display for HalfSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AccessKeyIdOnly => "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            Self::SecretAccessKeyOnly => {
                "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
            }
        })
    }
}

impl EnvCredentials {
    /// Reads the environment (an empty variable counts as unset). Prints
    /// nothing: see [`Self::is_example`].
    pub fn read() -> Result<Self, HalfSet> {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(access_key_id), Some(secret_access_key)) => Ok(Self {
                access_key_id,
                secret_access_key,
                session_token: var("AWS_SESSION_TOKEN"),
                example: false,
            }),
            (None, None) => Ok(Self {
                access_key_id: EXAMPLE_ACCESS_KEY_ID.into(),
                secret_access_key: EXAMPLE_SECRET_ACCESS_KEY.into(),
                session_token: None,
                example: true,
            }),
            (Some(_), None) => Err(HalfSet::AccessKeyIdOnly),
            (None, Some(_)) => Err(HalfSet::SecretAccessKeyOnly),
        }
    }

    /// Whether neither variable was set, so these are AWS's example
    /// credentials.
    pub fn is_example(&self) -> bool {
        self.example
    }

    /// [`Self::read`], with a notice on stderr that names the example access
    /// key id when it falls back to the example credentials, and an error
    /// that names the missing variable.
    pub fn load(program: &str) -> Result<Self, String> {
        let env = Self::read().map_err(|e| e.to_string())?;
        if env.example {
            eprintln!(
                "{program}: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set; \
                 signing with AWS's example credentials ({EXAMPLE_ACCESS_KEY_ID})"
            );
        }
        Ok(env)
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
        None => SigningTime::now().map_err(|e| e.to_string()),
    }
}
