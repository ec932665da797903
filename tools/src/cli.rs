//! The command line as the tools share it: how `main` ends, options as
//! `--name value` or `--name=value`, one positional argument, `Name: value`
//! headers.

use std::process::ExitCode;

/// The program's arguments, without its name.
pub fn from_env() -> Vec<String> {
    std::env::args().skip(1).collect()
}

/// The end of `main`: success, or the error as one line, `program:
/// message`, on stderr, with exit status 2.
pub fn exit(program: &str, result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{program}: {message}");
            ExitCode::from(2)
        }
    }
}

/// `main` of a tool with a usage line: `-h` or `--help` anywhere prints
/// `usage`; otherwise `run` gets the arguments and [`exit`] its result.
pub fn main(
    program: &str,
    usage: &str,
    run: impl FnOnce(&[String]) -> Result<(), String>,
) -> ExitCode {
    let args = from_env();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{usage}");
        return ExitCode::SUCCESS;
    }
    exit(program, run(&args))
}

/// One argument, split as `--name=value`.
pub struct Arg<'a> {
    /// The argument as given.
    pub text: &'a str,
    /// Before the first `=` of an argument that starts with `--`, else the
    /// whole argument.
    pub name: &'a str,
    /// After that `=`, if any.
    pub inline: Option<&'a str>,
}

/// The arguments one by one, each split as `--name=value`; an option's value
/// is what follows its `=`, or else the next argument ([`Args::value`]).
pub struct Args<'a> {
    rest: std::slice::Iter<'a, String>,
    usage: &'a str,
}

impl<'a> Args<'a> {
    /// `usage` ends the error messages.
    pub fn new(args: &'a [String], usage: &'a str) -> Self {
        Self {
            rest: args.iter(),
            usage,
        }
    }

    /// The value of the option `arg`: after its `=`, or else the next
    /// argument, whatever it is.
    pub fn value(&mut self, arg: &Arg<'_>) -> Result<String, String> {
        arg.inline
            .or_else(|| self.rest.next().map(String::as_str))
            .map(str::to_owned)
            .ok_or_else(|| format!("{} needs a value; {}", arg.name, self.usage))
    }

    /// The arguments not taken yet, as given (those after `--`).
    pub fn rest(&mut self) -> &mut std::slice::Iter<'a, String> {
        &mut self.rest
    }

    /// `unknown option '<arg>'; <usage>`.
    pub fn unknown(&self, arg: &Arg<'_>) -> String {
        format!("unknown option '{}'; {}", arg.text, self.usage)
    }

    /// `unexpected argument '<arg>'; <usage>`.
    pub fn unexpected(&self, arg: &str) -> String {
        format!("unexpected argument '{arg}'; {}", self.usage)
    }
}

impl<'a> Iterator for Args<'a> {
    type Item = Arg<'a>;

    fn next(&mut self) -> Option<Arg<'a>> {
        let text = self.rest.next()?.as_str();
        let (name, inline) = match text.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value)),
            _ => (text, None),
        };
        Some(Arg { text, name, inline })
    }
}

/// Records `arg` as the one positional argument `what` (`URL`, ...): a
/// second one is an error.
pub fn take_one(seen: &mut Option<String>, arg: &str, what: &str) -> Result<(), String> {
    if seen.is_some() {
        return Err(format!("unexpected argument '{arg}': one {what} only"));
    }
    *seen = Some(arg.to_owned());
    Ok(())
}

/// The name and the value of `--header 'Name: value'`, both trimmed, as
/// `curl -H` takes them.
pub fn split_header(text: &str) -> Result<(&str, &str), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("--header '{text}': expected 'Name: value'"))?;
    Ok((name.trim(), value.trim()))
}

/// Arguments as the program gets them (for tests).
pub fn owned(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_options_and_takes_values() {
        let list = owned(&["--a=1", "--b", "2", "-c", "x=y", "--=z", "--d"]);
        let mut args = Args::new(&list, "usage: t");
        let a = args.next().unwrap();
        assert_eq!((a.name, a.inline), ("--a", Some("1")));
        assert_eq!(args.value(&a).unwrap(), "1");
        let b = args.next().unwrap();
        assert_eq!((b.name, b.inline), ("--b", None));
        assert_eq!(args.value(&b).unwrap(), "2");
        let c = args.next().unwrap();
        assert_eq!((c.text, c.name, c.inline), ("-c", "-c", None));
        assert_eq!(args.unknown(&c), "unknown option '-c'; usage: t");
        let x = args.next().unwrap();
        assert_eq!((x.name, x.inline), ("x=y", None));
        let dash = args.next().unwrap();
        assert_eq!((dash.name, dash.inline), ("--", Some("z")));
        let d = args.next().unwrap();
        assert_eq!(args.value(&d).unwrap_err(), "--d needs a value; usage: t");
        assert!(args.next().is_none());
    }

    #[test]
    fn one_positional_argument() {
        let mut seen = None;
        take_one(&mut seen, "a", "URL").unwrap();
        assert_eq!(
            take_one(&mut seen, "b", "URL").unwrap_err(),
            "unexpected argument 'b': one URL only"
        );
        assert_eq!(seen.as_deref(), Some("a"));
    }

    #[test]
    fn splits_headers() {
        assert_eq!(split_header(" A :  b c ").unwrap(), ("A", "b c"));
        assert_eq!(split_header("a:b:c").unwrap(), ("a", "b:c"));
        assert!(split_header("no colon").is_err());
    }
}
