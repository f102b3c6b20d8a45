//! A PostgreSQL server for the test run: Debian's package, installed when missing, and a fresh
//! throwaway cluster on loopback, so the vault's suite runs against PostgreSQL as well as SQLite.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, install, run, step};

const PORT: u16 = 55432;
const DATA: &str = "/tmp/davet-test-postgres";

/// A running cluster; dropping it stops the server.
pub struct TestServer {
    bin: PathBuf,
}

impl TestServer {
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{PORT}/postgres")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        stop(&self.bin);
    }
}

/// Stops the cluster in `DATA`, if one runs there.
fn stop(bin: &Path) {
    let _ = as_postgres(&bin.join("pg_ctl"))
        .args(["stop", "-m", "fast", "-D", DATA])
        .status();
}

/// Debian's server binaries, e.g. `/usr/lib/postgresql/15/bin`.
fn server_bin() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|v| v.path().join("bin"))
        .filter(|bin| bin.join("postgres").is_file() && bin.join("initdb").is_file())
        .collect();
    found.sort();
    found.pop()
}

/// Runs as the `postgres` user when we are root (the server refuses to run as root).
fn as_postgres(program: &Path) -> Command {
    if install::is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

pub fn start() -> Result<TestServer> {
    if server_bin().is_none() {
        install::apt_packages(&["postgresql"])?;
    }
    let bin = server_bin().ok_or("the postgresql package installed no server binaries")?;
    step(&format!(
        "postgres: a fresh test cluster on 127.0.0.1:{PORT}"
    ));
    // A cluster left by an earlier run is stopped and made afresh.
    if Path::new(DATA).join("PG_VERSION").is_file() {
        stop(&bin);
    }
    let _ = std::fs::remove_dir_all(DATA);
    std::fs::create_dir_all(DATA).map_err(|e| format!("{DATA}: {e}"))?;
    if install::is_root() {
        run(Command::new("chown").args(["postgres:postgres", DATA]))?;
    }
    run(as_postgres(&bin.join("initdb"))
        .args(["-D", DATA, "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        .arg("--no-instructions")
        .stdout(std::process::Stdio::null()))?;
    let options = format!("-c listen_addresses=127.0.0.1 -p {PORT} -k {DATA} -c fsync=off");
    run(as_postgres(&bin.join("pg_ctl"))
        .args(["start", "-w", "-D", DATA, "-l"])
        .arg(format!("{DATA}/server.log"))
        .args(["-o", &options])
        .stdout(std::process::Stdio::null()))?;
    Ok(TestServer { bin })
}
