//! `wix-sandbox [--port N]`: serves the fake Wix API on 127.0.0.1 until killed.

use std::io::Write;
use std::process::ExitCode;

use wix_sandbox::Sandbox;

const DEFAULT_PORT: u16 = 9100;
const USAGE: &str = "usage: wix-sandbox [--port N]   (default port 9100; binds 127.0.0.1 only)";

#[derive(Debug, PartialEq, Eq)]
enum Command {
    Serve(u16),
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut port = DEFAULT_PORT;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--port" => args.next().ok_or("--port needs a value")?,
            other => match other.strip_prefix("--port=") {
                Some(value) => value.to_owned(),
                None => return Err(format!("unknown argument {other:?}")),
            },
        };
        port = value
            .parse()
            .map_err(|_| format!("invalid port {value:?}"))?;
    }
    Ok(Command::Serve(port))
}

#[tokio::main]
async fn main() -> ExitCode {
    let port = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Serve(port)) => port,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("wix-sandbox: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::spawn(port).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("wix-sandbox: cannot bind 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Scripts wait for this exact line, so it must reach a pipe at once.
    let mut stdout = std::io::stdout().lock();
    let announced = writeln!(stdout, "wix-sandbox listening on {}", sandbox.base_url)
        .and_then(|()| stdout.flush());
    drop(stdout);
    if let Err(error) = announced {
        eprintln!("wix-sandbox: cannot write to stdout: {error}");
        return ExitCode::FAILURE;
    }
    match sandbox.join().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wix-sandbox: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn port_defaults_to_9100_and_can_be_given_either_way() {
        assert_eq!(parse(&[]), Ok(Command::Serve(9100)));
        assert_eq!(parse(&["--port", "0"]), Ok(Command::Serve(0)));
        assert_eq!(parse(&["--port=9200"]), Ok(Command::Serve(9200)));
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
    }

    #[test]
    fn bad_arguments_are_refused() {
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "70000"]).is_err());
        assert!(parse(&["--host", "0.0.0.0"]).is_err());
    }
}
