//! `cargo xtask …`: the project's build, run and test orchestration.
//!
//! - `cargo xtask demo [-- davet demo options]`: build the pane, run the demo
//! - `cargo xtask test`: every check CI runs, installing what is missing
//! - `cargo xtask pane`: build the pane into `target/pane` and print its payload
//! - `cargo xtask bench`: the expansion and type-ahead benchmark, with its peer and load tool
//!
//! Every step says what it does; every install is idempotent.

mod install;
mod pane;
mod postgres;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(),
        Some("pane") => pane::build(&root()).map(|_| ()),
        Some("bench") => bench(),
        _ => Err("usage: cargo xtask demo [-- --port N] | test | pane | bench".into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("xtask: {why}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Announces a step, as every step is announced.
fn step(what: &str) {
    eprintln!("\n==> {what}");
}

/// Runs a command in the workspace root, failing with its name when it fails.
fn run(command: &mut Command) -> Result {
    let shown = format!("{command:?}").replace('"', "");
    let status = command
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// The benchmark prints figures; it needs wrk (Debian) and the Python Graph SDK for its peer.
fn bench() -> Result {
    let root = root();
    install::apt(&[("wrk", "wrk")])?;
    let python = install::graph_sdk_python(&root)?;
    step("bench: cargo bench --package davet --bench expansion");
    run(cargo()
        .args(["bench", "--package", "davet", "--bench", "expansion"])
        .env("DAVET_GRAPH_SDK_PYTHON", python))
}

fn demo(extra: &[String]) -> Result {
    let root = root();
    install::wasm_toolchain(&root)?;
    let dist = pane::build(&root)?;
    step("starting the demo (Ctrl-C stops it)");
    run(cargo()
        .args([
            "run",
            "--quiet",
            "--package",
            "davet",
            "--features",
            "demo",
            "--",
            "demo",
        ])
        .args(extra.iter().filter(|a| *a != "--"))
        .env("DAVET_PANE_DIR", dist))
}

fn test() -> Result {
    let root = root();
    install::wasm_toolchain(&root)?;

    step("format: cargo fmt --check");
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;

    step("lint: cargo clippy (host, all targets) with -D warnings");
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    step("lint: cargo clippy (the pane and api for wasm32) with -D warnings");
    run(cargo().args([
        "clippy",
        "--package",
        "davet-pane",
        "--package",
        "davet-api",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;

    admin_build_has_no_emulator()?;

    step("dependencies: cargo deny check licenses bans sources (deny.toml)");
    install::cargo_deny()?;
    run(cargo().args([
        "deny",
        "--log-level",
        "error",
        "check",
        "licenses",
        "bans",
        "sources",
    ]))?;

    step("manifest: validate manifest.xml against the Office schemas");
    install::apt(&[("xmllint", "libxml2-utils")])?;
    validate_manifest(&root.join("manifest.xml"))?;

    let dist = pane::build(&root)?;

    install::apt(&[
        ("chromium", "chromium"),
        ("chromedriver", "chromium-driver"),
    ])?;
    let graph_sdk_python = install::graph_sdk_python(&root)?;
    let schemathesis = install::schemathesis(&root)?;
    step("tests: unit, integration and browser end-to-end");
    let mut tests = if install::has("cargo-nextest") {
        let mut c = cargo();
        c.args(["nextest", "run", "--workspace", "--no-fail-fast"]);
        c
    } else {
        let mut c = cargo();
        c.args(["test", "--workspace", "--all-targets", "--no-fail-fast"]);
        c
    };
    let postgres = postgres::start()?;
    let everything = run(tests
        .env("DAVET_PANE_DIR", &dist)
        .env("DAVET_MANIFEST_SCHEMA", schema(&root)?)
        .env("DAVET_GRAPH_SDK_PYTHON", graph_sdk_python)
        .env("DAVET_SCHEMATHESIS", schemathesis));
    step("tests: the server's API suite and privacy proofs again, on PostgreSQL");
    let mut again = cargo();
    if install::has("cargo-nextest") {
        again.args(["nextest", "run"]).args(ON_POSTGRES);
    } else {
        again.arg("test").args(ON_POSTGRES);
    }
    let on_postgres = run(again
        .env("DAVET_TEST_POSTGRES_URL", postgres.url())
        .env("DAVET_MANIFEST_SCHEMA", schema(&root)?));
    everything.and(on_postgres)
}

/// The build an admin deploys (`cargo build --release -p davet`, no features) must not carry
/// the emulated Microsoft services: an "anyone can sign in" page has no place in production.
fn admin_build_has_no_emulator() -> Result {
    step("admin build: `davet` without the demo feature depends on no emulator");
    let tree = |features: &[&str]| -> Result<String> {
        let output = cargo()
            .args([
                "tree",
                "--package",
                "davet",
                "--edges",
                "normal,build",
                "--prefix",
                "none",
            ])
            .args(features)
            .current_dir(root())
            .output()
            .map_err(|e| format!("cannot run cargo tree: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "cargo tree failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let carries = |tree: &str| tree.lines().any(|l| l.starts_with("davet-emulator "));
    if carries(&tree(&[])?) {
        return Err("the admin's build of davet depends on davet-emulator".into());
    }
    // The check itself could pass on a typo: the demo build must show the emulator.
    if !carries(&tree(&["--features", "demo"])?) {
        return Err("cargo tree shows no davet-emulator even with the demo feature".into());
    }
    eprintln!("the admin's build carries no emulator; the demo build does");
    Ok(())
}

/// What runs a second time on PostgreSQL: the server's API suite and the privacy proofs, which
/// read the database.
const ON_POSTGRES: &[&str] = &[
    "--package",
    "davet",
    "--test",
    "api",
    "--test",
    "membership_never_kept",
    "--test",
    "secrets_in_logs",
    "--test",
    "replicas",
    "--no-fail-fast",
];

/// The Office manifest schema shipped in `../shared/spec`.
fn schema(root: &Path) -> Result<PathBuf> {
    let path = root.join("../shared/spec/office-manifest-xsd/OfficeAppManifestV1_1.xsd");
    path.canonicalize().map_err(|e| {
        format!(
            "the Office manifest schemas are missing at {}: {e}",
            path.display()
        )
    })
}

fn validate_manifest(manifest: &Path) -> Result {
    let schema = schema(&root())?;
    run(Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(schema)
        .arg(manifest))
}
