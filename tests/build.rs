//! The workspace's functions, found in `functions/*/src/main.rs` (each declares one `impl Endpoint for
//! Name`), written as one `functions! { module => "path" :: Name, … }` invocation for fuzz/functions.rs.
//! A new function crate is picked up without any list to edit. Also the build script of fuzz/.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let functions = Path::new(&manifest).join("../functions");
    println!("cargo::rerun-if-changed={}", functions.display());
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&functions).expect("functions/ is readable") {
        let dir = entry.expect("a directory entry").path();
        let main = dir.join("src/main.rs");
        if !main.is_file() {
            continue;
        }
        println!("cargo::rerun-if-changed={}", main.display());
        let source = std::fs::read_to_string(&main).expect("main.rs is readable");
        let endpoint = source
            .lines()
            .find_map(|line| line.trim().strip_prefix("impl Endpoint for "))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("{}: no `impl Endpoint for …`", main.display()));
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 name");
        let main = main.canonicalize().expect("main.rs has a path");
        found.push((name.replace('-', "_"), main, endpoint.to_owned()));
    }
    found.sort();
    let mut out = String::from("functions! {\n");
    for (module, main, endpoint) in &found {
        writeln!(
            out,
            "    {module} => {:?} :: {endpoint},",
            main.display().to_string()
        )
        .expect("writing to a String");
    }
    out.push_str("}\n");
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("functions.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
