//! Installs what the build and the tests need, when it is missing, and says so.

use std::path::Path;
use std::process::Command;

use crate::{Result, run, step};

/// Whether a program is on the PATH.
pub fn has(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// The wasm32 target of the pinned toolchain.
pub fn wasm_toolchain(root: &Path) -> Result {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(root)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(false);
    if !installed {
        step("install: rustup target add wasm32-unknown-unknown");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// Debian packages, by the program each provides.
pub fn apt(wanted: &[(&str, &str)]) -> Result {
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(bin, _)| !has(bin))
        .map(|(_, pkg)| *pkg)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    apt_packages(&missing)
}

/// Installs Debian packages.
pub fn apt_packages(missing: &[&str]) -> Result {
    step(&format!("install: apt-get install {}", missing.join(" ")));
    let sudo = if is_root() { None } else { Some("sudo") };
    let apt_get = |args: &[&str]| {
        let mut command = Command::new(sudo.unwrap_or("apt-get"));
        if sudo.is_some() {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    run(&mut apt_get(&["update", "-qq"]))?;
    let mut install = apt_get(&["install", "-y", "-qq", "--no-install-recommends"]);
    run(install.args(missing))
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `wasm-bindgen` exactly as pinned in Cargo.lock: the CLI and the library must match.
pub fn wasm_bindgen_cli(root: &Path) -> Result {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let version =
        locked_version(&lock, "wasm-bindgen").ok_or("wasm-bindgen is not in Cargo.lock")?;
    let have = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    if have != format!("wasm-bindgen {version}") {
        step(&format!(
            "install: cargo install wasm-bindgen-cli {version} (a few minutes, once)"
        ));
        run(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &format!("={version}"),
        ]))?;
    }
    Ok(())
}

/// The cargo-deny the test command checks licences, bans and sources with.
pub const CARGO_DENY_VERSION: &str = "0.20.2";

pub fn cargo_deny() -> Result {
    let have = Command::new("cargo-deny")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    if have != format!("cargo-deny {CARGO_DENY_VERSION}") {
        step(&format!(
            "install: cargo install cargo-deny {CARGO_DENY_VERSION} (about three minutes, once)"
        ));
        run(Command::new("cargo").args([
            "install",
            "cargo-deny",
            "--locked",
            "--no-default-features",
            "--version",
            &format!("={CARGO_DENY_VERSION}"),
        ]))?;
    }
    Ok(())
}

fn locked_version<'a>(lock: &'a str, name: &str) -> Option<&'a str> {
    let header = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&header)? + header.len();
    lock[start..].split('"').next()
}

/// The pane's npm build tools, as pinned in `xtask/npm/package-lock.json`: `wasm-opt` (npm's
/// `binaryen`), `esbuild`, MSAL.js, and axe-core for the browser tests. Answers their
/// `node_modules`.
pub fn npm_tools(root: &Path) -> Result<std::path::PathBuf> {
    let npm_dir = root.join("xtask/npm");
    let modules = npm_dir.join("node_modules");
    let wanted = [
        ".bin/wasm-opt",
        ".bin/esbuild",
        "@azure/msal-browser/package.json",
        "axe-core/axe.min.js",
    ];
    let version_of = |package: &str| {
        std::fs::read_to_string(modules.join(package).join("package.json"))
            .ok()
            .and_then(|text| {
                let at = text.find("\"version\"")?;
                text[at..].split('"').nth(3).map(str::to_owned)
            })
    };
    let pinned = std::fs::read_to_string(npm_dir.join("package.json")).unwrap_or_default();
    let current = wanted.iter().all(|f| modules.join(f).is_file())
        && ["@azure/msal-browser", "axe-core", "binaryen", "esbuild"]
            .iter()
            .all(|p| version_of(p).is_some_and(|v| pinned.contains(&format!("\"{p}\": \"{v}\""))));
    if !current {
        step("install: npm ci (binaryen for wasm-opt, esbuild, MSAL.js, axe-core)");
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&npm_dir))?;
    }
    Ok(modules)
}

/// A virtual environment with Microsoft's Python Graph SDK (`tests/graph_sdk/requirements.txt`),
/// for the test that drives the emulator with it. Returns its Python.
pub fn graph_sdk_python(root: &Path) -> Result<std::path::PathBuf> {
    python_venv(
        root,
        "graph-sdk-venv",
        "tests/graph_sdk/requirements.txt",
        "msgraph-sdk (for the Graph SDK test)",
    )
    .map(|bin| bin.join("python"))
}

/// Schemathesis's `st`, for the test that runs it against the OpenAPI document.
pub fn schemathesis(root: &Path) -> Result<std::path::PathBuf> {
    python_venv(
        root,
        "schemathesis-venv",
        "tests/schemathesis/requirements.txt",
        "schemathesis (for the OpenAPI test)",
    )
    .map(|bin| bin.join("st"))
}

/// A Python virtual environment in `target/<name>` with `requirements` installed, made again
/// only when the requirements change; answers its `bin` folder.
fn python_venv(
    root: &Path,
    name: &str,
    requirements: &str,
    what: &str,
) -> Result<std::path::PathBuf> {
    let venv = root.join("target").join(name);
    let python = venv.join("bin/python");
    let requirements = root.join(requirements);
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("{}: {e}", requirements.display()))?;
    let stamp = venv.join(".installed-requirements");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) && python.is_file()
    {
        return Ok(venv.join("bin"));
    }
    step(&format!("install: Python virtual environment with {what}"));
    if !python.is_file() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements))?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(venv.join("bin"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locked_version_is_read_from_cargo_lock() {
        let lock = "[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.1\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(locked_version(lock, "wasm-bindgen"), Some("0.2.130"));
        assert_eq!(locked_version(lock, "leptos"), None);
    }
}
