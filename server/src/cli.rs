//! The `davet` command line.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
#[cfg(feature = "demo")]
use davet_emulator::{RunningEmulator, TenantSpec};

use crate::config::Settings;
#[cfg(feature = "demo")]
use crate::demo::{Demo, DemoOptions, default_pane_dir};
use crate::startup::Application;
use crate::vault::{TokenVault, VaultKey};

#[derive(Debug, Parser)]
#[command(
    name = "davet",
    version,
    about = "Schedule Webex meetings for whole groups from Outlook"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The whole product on 127.0.0.1 against an emulated demo tenant.
    #[cfg(feature = "demo")]
    Demo {
        /// Port of the app (the emulators take free ports).
        #[arg(long, default_value_t = 3000)]
        port: u16,
        #[command(flatten)]
        tenant: TenantArgs,
        /// The built task pane.
        #[arg(long, env = "DAVET_PANE_DIR")]
        pane_dir: Option<PathBuf>,
        /// Serve over HTTPS at https://localhost with a local certificate authority's
        /// certificate, for sideloading the demo into Outlook on the web.
        #[arg(long)]
        tls: bool,
        /// Where the local authority and the certificate are kept (made on first use).
        #[arg(long, requires = "tls")]
        tls_dir: Option<PathBuf>,
    },
    /// Production: settings from `DAVET_…` variables and an optional TOML file.
    Serve {
        #[arg(long, env = "DAVET_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Prints a fresh vault key (32 random bytes, base64) for DAVET_VAULT_KEY.
    GenerateKey,
    /// Re-seals every stored refresh token under DAVET_VAULT_KEY. Put the old key in
    /// DAVET_VAULT_PREVIOUS_KEYS first; remove it once this has run.
    RotateKey {
        #[arg(long, env = "DAVET_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Organisation mode: reads from standard input the refresh token an admin obtained for
    /// Davet's Webex integration (or a service app) with the admin scheduling scopes, checks
    /// it, and keeps it sealed in the vault. Run it again to replace it.
    WebexConnect {
        #[arg(long, env = "DAVET_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Prints the add-in manifest for this deployment (`xml`, the add-in only manifest; `json`,
    /// the unified manifest) or writes `zip`, the package with icons to upload in the Microsoft
    /// 365 admin center (Settings → Integrated apps), to `--out`.
    Manifest {
        #[arg(long, env = "DAVET_CONFIG")]
        config: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ManifestFormat::Xml)]
        format: ManifestFormat,
        /// Where to write it (standard output when not given; required for `zip`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The emulated Microsoft services alone, for use with any Graph client.
    #[cfg(feature = "demo")]
    Emulator {
        #[command(flatten)]
        tenant: TenantArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ManifestFormat {
    Xml,
    Json,
    Zip,
}

#[cfg(feature = "demo")]
#[derive(Debug, clap::Args)]
struct TenantArgs {
    /// People in the generated tenant.
    #[arg(long, default_value_t = TenantSpec::DEMO.users)]
    users: usize,
    /// Seed of the generated tenant: the same seed gives the same tenant.
    #[arg(long, default_value_t = TenantSpec::DEMO.seed)]
    seed: u64,
}

#[cfg(feature = "demo")]
impl TenantArgs {
    fn spec(&self) -> TenantSpec {
        TenantSpec::seeded(self.seed, self.users)
    }
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// How long a stopping server lets the requests it holds finish.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// SIGTERM (how a service manager or Kubernetes stops a replica) or Ctrl-C.
async fn termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

impl Cli {
    pub async fn run(self) -> Result<(), Failure> {
        match self.command {
            #[cfg(feature = "demo")]
            Command::Demo {
                port,
                tenant,
                pane_dir,
                tls,
                tls_dir,
            } => {
                let demo = Demo::start(DemoOptions {
                    port,
                    tenant: tenant.spec(),
                    pane_dir: pane_dir.unwrap_or_else(default_pane_dir),
                    tls: tls.then(|| tls_dir.unwrap_or_else(crate::demo::default_tls_dir)),
                })
                .await?;
                // A reader that went away (a script that took the lines it wanted) does not
                // stop the demo.
                if let Err(error) = announce(&demo.service_lines()) {
                    tracing::warn!(%error, "the service lines were not all printed");
                }
                if let Some(steps) = demo.tls_steps() {
                    eprintln!("{steps}");
                }
                tokio::select! {
                    served = demo.run() => served?,
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Command::Serve { config } => {
                let settings = Settings::load(config.as_deref())?;
                let app = Application::build(&settings).await?;
                tracing::info!(addr = %app.local_addr()?, "davet listening");
                let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
                let mut server = tokio::spawn(app.run_until(async {
                    let _ = stopped.await;
                }));
                tokio::select! {
                    served = &mut server => return Ok(served??),
                    () = termination() => {}
                }
                // Stop accepting; what is under way (streams included) may finish, for a while.
                tracing::info!("stopping: finishing the requests under way");
                let _ = stop.send(());
                match tokio::time::timeout(SHUTDOWN_GRACE, server).await {
                    Ok(served) => served??,
                    Err(_) => {
                        tracing::warn!("requests still under way at the end of the grace period")
                    }
                }
                tracing::info!("stopped");
            }
            Command::Manifest {
                config,
                format,
                out,
            } => {
                let settings = Settings::load(config.as_deref())?;
                let vault =
                    TokenVault::open(settings.database_url.expose(), settings.vault_keys.clone())
                        .await?;
                let manifests = crate::manifest::Manifests::render(
                    &crate::startup::deployment(&settings),
                    &vault,
                )
                .await?;
                vault.close().await;
                let bytes = match format {
                    ManifestFormat::Xml => manifests.xml.into_bytes(),
                    ManifestFormat::Json => manifests.json.into_bytes(),
                    ManifestFormat::Zip => manifests.package,
                };
                match out {
                    Some(path) => std::fs::write(&path, bytes)?,
                    None if format == ManifestFormat::Zip => {
                        return Err("a zip goes to a file: give --out davet-manifest.zip".into());
                    }
                    None => std::io::stdout().write_all(&bytes)?,
                }
            }
            Command::GenerateKey => announce(&[VaultKey::generate()])?,
            Command::RotateKey { config } => {
                let settings = Settings::load(config.as_deref())?;
                let vault =
                    TokenVault::open(settings.database_url.expose(), settings.vault_keys.clone())
                        .await?;
                let rotated = vault.rotate_keys().await?;
                let mut lines = vec![format!(
                    "re-sealed {rotated} refresh tokens under key {}",
                    settings.vault_keys.current_id()
                )];
                for (key, count) in vault.tokens_by_key().await? {
                    lines.push(format!("key {key}: {count} tokens"));
                }
                vault.close().await;
                announce(&lines)?;
            }
            Command::WebexConnect { config } => {
                let settings = Settings::load(config.as_deref())?;
                let vault =
                    TokenVault::open(settings.database_url.expose(), settings.vault_keys.clone())
                        .await?;
                let state = crate::app::AppState::new(&settings, vault.clone())?;
                let webex = state.webex.0.ok_or(
                    "Webex is not configured: set DAVET_WEBEX_CLIENT_ID and DAVET_WEBEX_CLIENT_SECRET",
                )?;
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                let token = line.trim();
                if token.is_empty() {
                    return Err("give the refresh token on standard input".into());
                }
                let account = webex
                    .connect_organisation(crate::secret::Secret::new(token.to_owned()))
                    .await?;
                vault.close().await;
                announce(&[format!(
                    "Webex connected for the organisation as {}",
                    account.display_name
                )])?;
            }
            #[cfg(feature = "demo")]
            Command::Emulator { tenant } => {
                let emulator = RunningEmulator::start(tenant.spec()).await?;
                let app = emulator.app();
                announce(&[
                    format!("graph: {}", emulator.graph_url),
                    format!("login: {}", emulator.login_url),
                    format!("webex: {}", emulator.webex_url),
                    format!("tenant: {}", emulator.world.tenant.id),
                    format!("client-id: {}", app.client_id),
                    format!("client-secret: {}", app.client_secret),
                    format!("webex-client-id: {}", emulator.webex.integration.client_id),
                    format!(
                        "webex-client-secret: {}",
                        emulator.webex.integration.client_secret
                    ),
                ])?;
                tokio::signal::ctrl_c().await?;
            }
        }
        Ok(())
    }
}

fn announce(lines: &[String]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for line in lines {
        writeln!(out, "{line}")?;
    }
    out.flush()
}
