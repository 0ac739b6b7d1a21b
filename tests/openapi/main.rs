//! Writes openapi.yaml from what the functions declare (`wix_elevate::openapi`: every function's
//! `Endpoint`, policy and input and answer types, compiled here through fuzz/functions.rs). With
//! `--check`, writes nothing and fails when the committed file is not what the code generates.
//!
//! `cargo run -p blackbox --bin openapi [-- --check] [PATH]` (PATH defaults to the workspace's
//! openapi.yaml); `scripts/openapi` runs it and regenerates the TypeScript client after it.

use std::path::PathBuf;
use std::process::ExitCode;

#[allow(dead_code)]
#[path = "../../fuzz/functions.rs"]
mod functions;
mod render;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml"));
    let text = render::render(functions::openapi().finish());
    if check {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != text {
            eprintln!(
                "{} is not what the code generates: run scripts/openapi",
                path.display()
            );
            return ExitCode::FAILURE;
        }
        return ExitCode::SUCCESS;
    }
    if let Err(e) = std::fs::write(&path, text) {
        eprintln!("{}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    eprintln!("wrote {}", path.display());
    ExitCode::SUCCESS
}
