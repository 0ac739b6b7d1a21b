//! `wix-sandbox [--port N] [--catalog v1|v3]`: serves the fake Wix API on 127.0.0.1 until killed.
//! `wix-sandbox --print-seed`: prints the seed values the dev scripts need as one JSON document, and exits.

use std::io::Write;
use std::process::ExitCode;

use serde_json::{Value, json};
use wix_sandbox::{CatalogVersion, Sandbox, SandboxState, SeedMember, seed};

const DEFAULT_PORT: u16 = 9100;
const USAGE: &str = "usage: wix-sandbox [--port N] [--catalog v1|v3]   (defaults: port 9100, catalog v3; binds 127.0.0.1 only)
       wix-sandbox --print-seed                   (the seed's ids, client and members as JSON on stdout)";

#[derive(Debug, PartialEq, Eq)]
enum Command {
    Serve { port: u16, catalog: CatalogVersion },
    PrintSeed,
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut port = DEFAULT_PORT;
    let mut catalog = seed::DEFAULT_CATALOG;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--print-seed" if inline.is_none() => return Ok(Command::PrintSeed),
            "--port" => {
                let value = value()?;
                port = value
                    .parse()
                    .map_err(|_| format!("invalid port {value:?}"))?;
            }
            "--catalog" => {
                let value = value()?;
                catalog = match value.as_str() {
                    "v1" => CatalogVersion::V1,
                    "v3" => CatalogVersion::V3,
                    _ => return Err(format!("invalid catalog {value:?} (v1 or v3)")),
                };
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Command::Serve { port, catalog })
}

#[tokio::main]
async fn main() -> ExitCode {
    let (port, catalog) = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Serve { port, catalog }) => (port, catalog),
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::PrintSeed) => return print_seed(),
        Err(message) => {
            eprintln!("wix-sandbox: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::spawn_with(port, SandboxState::seeded_on(catalog)).await {
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

/// The seed values scripts and people need to talk to the sandbox, as one JSON document: scripts read this
/// instead of parsing `seed.rs`. Members are keyed by their `seed.rs` constant in camelCase
/// (`ADMIN` -> `admin`, `SECOND_MEMBER` -> `secondMember`).
fn seed_document() -> Value {
    let member = |m: &SeedMember| {
        json!({
            "id": m.id,
            "contactId": m.contact_id,
            "loginEmail": m.login_email,
            "nickname": m.nickname,
            "status": m.status.as_str(),
            "refreshToken": m.refresh_token,
            "password": m.password,
            "createdDate": m.created_date,
        })
    };
    json!({
        "siteId": seed::SITE_ID,
        "clientId": seed::CLIENT_ID,
        "clientSecret": seed::CLIENT_SECRET,
        "apiKey": seed::API_KEY,
        "otherSiteId": seed::OTHER_SITE_ID,
        "otherClientId": seed::OTHER_CLIENT_ID,
        "otherClientSecret": seed::OTHER_CLIENT_SECRET,
        "tokenTtlSeconds": seed::TOKEN_TTL_SECONDS,
        "defaultCatalog": seed::DEFAULT_CATALOG.as_str(),
        "uploadCollectionId": seed::UPLOAD_COLLECTION_ID,
        // The secrets that verify tokens from `POST /_sandbox/attestation/token`.
        "attestationSecrets": {
            "turnstile": seed::TURNSTILE_SECRET,
            "recaptcha": seed::RECAPTCHA_SECRET,
            "hcaptcha": seed::HCAPTCHA_SECRET,
        },
        "adminMemberIds": [seed::ADMIN.id],
        "members": {
            "admin": member(&seed::ADMIN),
            "member": member(&seed::MEMBER),
            "secondMember": member(&seed::SECOND_MEMBER),
            "pending": member(&seed::PENDING),
            "blocked": member(&seed::BLOCKED),
        },
    })
}

fn print_seed() -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{:#}", seed_document()).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wix-sandbox: cannot write to stdout: {error}");
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

    fn serve(port: u16, catalog: CatalogVersion) -> Result<Command, String> {
        Ok(Command::Serve { port, catalog })
    }

    #[test]
    fn port_defaults_to_9100_and_can_be_given_either_way() {
        assert_eq!(parse(&[]), serve(9100, CatalogVersion::V3));
        assert_eq!(parse(&["--port", "0"]), serve(0, CatalogVersion::V3));
        assert_eq!(parse(&["--port=9200"]), serve(9200, CatalogVersion::V3));
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
    }

    #[test]
    fn the_catalog_version_can_be_chosen() {
        assert_eq!(parse(&["--catalog", "v1"]), serve(9100, CatalogVersion::V1));
        assert_eq!(
            parse(&["--catalog=v3", "--port", "1"]),
            serve(1, CatalogVersion::V3)
        );
    }

    #[test]
    fn print_seed_is_a_command_of_its_own() {
        assert_eq!(parse(&["--print-seed"]), Ok(Command::PrintSeed));
        assert!(parse(&["--print-seed=yes"]).is_err());
    }

    #[test]
    fn the_printed_seed_holds_what_the_scripts_read() {
        let seed = seed_document();
        assert_eq!(seed["clientId"], seed::CLIENT_ID);
        assert_eq!(seed["clientSecret"], seed::CLIENT_SECRET);
        assert_eq!(seed["siteId"], seed::SITE_ID);
        assert_eq!(seed["adminMemberIds"], json!([seed::ADMIN.id]));
        assert_eq!(
            seed["attestationSecrets"]["turnstile"],
            seed::TURNSTILE_SECRET
        );
        assert_eq!(seed["members"]["admin"]["id"], seed::ADMIN.id);
        assert_eq!(
            seed["members"]["member"]["refreshToken"],
            seed::MEMBER.refresh_token
        );
        assert_eq!(seed["members"]["admin"]["password"], seed::ADMIN.password);
        let members = seed["members"].as_object().unwrap();
        assert_eq!(members.len(), seed::MEMBERS.len());
        for m in seed::MEMBERS {
            assert!(members.values().any(|v| v["id"] == m.id), "{m:?} missing");
        }
    }

    #[test]
    fn bad_arguments_are_refused() {
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "70000"]).is_err());
        assert!(parse(&["--host", "0.0.0.0"]).is_err());
        assert!(parse(&["--catalog", "v2"]).is_err());
        assert!(parse(&["--catalog"]).is_err());
    }
}
