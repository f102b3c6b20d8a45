//! Emulators of the Microsoft services Davet talks to, served over real HTTP.
//!
//! The server never knows it is talking to an emulator: only base URLs and keys differ. Each
//! service listens on its own port, as the real ones live on their own hosts, so absolute URLs
//! (`@odata.nextLink`) cross hosts exactly as in production.
//!
//! - [`graph`]: Microsoft Graph v1.0 (`/v1.0/…`)
//! - [`identity`]: the Microsoft identity platform (`/{tenant}/oauth2/v2.0/…`)
//! - [`webex`]: Webex's REST API (`/v1/…`): OAuth, people, meeting preferences, meetings
//! - [`tenant`]: the deterministic demo tenant they all serve
//!
//! Several tenants can share one emulator, as they share Microsoft's hosts: Graph answers each
//! request from the tenant its token names (`tid`), the identity platform from the tenant in its
//! path, and all tenants publish the same signing keys (as Microsoft's are common to all).

pub mod controls;
pub mod graph;
pub mod identity;
mod picker;
mod recurrence;
mod tenancy;
pub mod tenant;
pub mod webex;
mod wire;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use url::Url;

pub use tenant::{AppRegistration, Member, Named, Tenant, TenantSpec, User};

/// Everything the emulated services share: the tenant and the tokens the identity platform
/// issued, which Graph checks.
#[derive(Debug)]
pub struct World {
    pub tenant: Tenant,
    /// The users as Graph serialises them, made once: listing a large directory should not
    /// serialise every user on every request.
    pub users_json: Vec<serde_json::Value>,
    /// The identity platform's signing keys, which Graph trusts (shared by all tenants).
    pub keys: Arc<identity::keys::SigningKeys>,
    /// Codes, refresh tokens and registered redirect URIs of delegated sign-in.
    pub grants: identity::grants::Grants,
    /// Every mailbox's calendar events.
    pub calendars: graph::events::Calendars,
    /// Latency, faults, throttling and the request log of the Graph service.
    pub graph_controls: controls::Controls,
    /// The same controls for the identity platform (its token endpoint, keys and pages).
    pub identity_controls: controls::Controls,
    /// What the identity platform was asked: key-set fetches and token grants, by kind.
    pub identity_log: identity::IdentityLog,
    /// Each group's transitive members, worked out once: the tenant never changes.
    transitive: std::sync::Mutex<std::collections::HashMap<usize, Arc<Vec<Member>>>>,
    /// Users as pages show them, per projection (a `$select`, with `@odata.type` or without),
    /// each written the first time a page holds them: the pages of a large group are then
    /// copied rather than serialised item by item on every request.
    projections: std::sync::Mutex<std::collections::HashMap<String, Projection>>,
}

/// Distinct projections of the users kept at once (Davet asks for a handful).
pub const PROJECTIONS_KEPT: usize = 32;

/// One projection of every user: slot `i` holds user `i`'s JSON once a page has shown them.
pub type Projection = Arc<Vec<std::sync::OnceLock<Box<[u8]>>>>;

impl World {
    /// A group's members and those of the groups nested in it, each once.
    pub fn transitive_members(&self, group: usize) -> Arc<Vec<Member>> {
        if let Some(found) = self
            .transitive
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&group)
        {
            return found.clone();
        }
        let members = Arc::new(self.tenant.transitive_members(group));
        self.transitive
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(group, members.clone());
        members
    }

    /// Every user under one projection, named by `key` (the `$select` and whether items carry
    /// their `@odata.type`); slots fill as pages show their users.
    /// At most [`PROJECTIONS_KEPT`] projections are kept: a client that varies its `$select`
    /// without end gets fresh ones, not an ever-growing cache.
    pub fn user_projection(&self, key: &str) -> Projection {
        let mut all = self.projections.lock().unwrap_or_else(|p| p.into_inner());
        if all.len() >= PROJECTIONS_KEPT && !all.contains_key(key) {
            all.clear();
        }
        all.entry(key.to_owned())
            .or_insert_with(|| {
                Arc::new(
                    (0..self.tenant.users.len())
                        .map(|_| std::sync::OnceLock::new())
                        .collect(),
                )
            })
            .clone()
    }
}

/// The emulators, listening on loopback. Dropping this stops them.
#[derive(Debug)]
pub struct RunningEmulator {
    /// Graph's service root, e.g. `http://127.0.0.1:41234/v1.0`.
    pub graph_url: Url,
    /// The identity platform's root; `/{tenant}/oauth2/v2.0/token` lives under it.
    pub login_url: Url,
    /// Webex's API root, e.g. `http://127.0.0.1:41236/v1`.
    pub webex_url: Url,
    /// Webex: the home tenant's people as its accounts, the meetings, the integration.
    pub webex: Arc<webex::Webex>,
    /// The home tenant's world (the first tenant started).
    pub world: Arc<World>,
    /// Every tenant's world, the home tenant's first.
    pub worlds: Vec<Arc<World>>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningEmulator {
    /// Generates the tenant and starts every service on its own loopback port.
    pub async fn start(spec: TenantSpec) -> std::io::Result<Self> {
        Self::start_tenants(&[spec]).await
    }

    /// Several tenants behind the same hosts. The first is the home tenant; Davet's app is
    /// registered in it and consented in the others (a multi-tenant app: one client id).
    pub async fn start_tenants(specs: &[TenantSpec]) -> std::io::Result<Self> {
        let home_spec = specs
            .first()
            .ok_or_else(|| std::io::Error::other("no tenant to emulate"))?;
        let keys = Arc::new(identity::keys::SigningKeys::new(home_spec.seed));
        let mut home_app: Option<AppRegistration> = None;
        let worlds: Vec<Arc<World>> = specs
            .iter()
            .map(|spec| {
                let mut tenant = Tenant::generate(spec);
                match &home_app {
                    Some(home) => {
                        tenant.app.client_id = home.client_id.clone();
                        tenant.app.client_secret = home.client_secret.clone();
                    }
                    None => home_app = Some(tenant.app.clone()),
                }
                Arc::new(World {
                    users_json: tenant.users.iter().map(graph::user_json).collect(),
                    tenant,
                    keys: keys.clone(),
                    grants: identity::grants::Grants::default(),
                    calendars: graph::events::Calendars::default(),
                    graph_controls: controls::Controls::default(),
                    identity_controls: controls::Controls::default(),
                    identity_log: identity::IdentityLog::default(),
                    transitive: Default::default(),
                    projections: Default::default(),
                })
            })
            .collect();
        let (graph_addr, graph_task) = serve(|base| {
            let routers = worlds
                .iter()
                .map(|w| (w.tenant.id.clone(), graph::router(w.clone(), base.clone())))
                .collect();
            tenancy::by_token(routers)
        })
        .await?;
        let (login_addr, login_task) = serve(|base| {
            let routers = worlds
                .iter()
                .map(|w| (w.clone(), identity::router(w.clone(), base.clone())))
                .collect();
            tenancy::by_path(routers)
        })
        .await?;
        let webex = Arc::new(webex::Webex::new(&worlds[0]));
        let (webex_addr, webex_task) = serve(|base| webex::router(webex.clone(), base)).await?;
        Ok(Self {
            graph_url: base_url(graph_addr, "/v1.0")?,
            login_url: base_url(login_addr, "/")?,
            webex_url: base_url(webex_addr, "/v1")?,
            webex,
            world: worlds[0].clone(),
            worlds,
            tasks: vec![graph_task, login_task, webex_task],
        })
    }

    /// Test controls of the Graph service.
    pub fn graph_controls(&self) -> &controls::Controls {
        &self.world.graph_controls
    }

    /// Test controls of the identity platform.
    pub fn identity_controls(&self) -> &controls::Controls {
        &self.world.identity_controls
    }

    /// Test controls of Webex.
    pub fn webex_controls(&self) -> &controls::Controls {
        &self.webex.controls
    }

    /// The application registered in the demo tenant for the Davet server.
    pub fn app(&self) -> &AppRegistration {
        &self.world.tenant.app
    }

    /// A token for Davet's API as the person `user` (an index into the tenant's users), as
    /// nested app authentication hands it to the pane.
    pub fn api_token(&self, user: usize) -> String {
        self.api_token_in(&self.world, user)
    }

    /// The same, for a person of any of the emulated tenants.
    pub fn api_token_in(&self, world: &World, user: usize) -> String {
        self.delegated_token_in(world, user, &[identity::grants::API_SCOPE], true)
    }

    /// A delegated token for Graph with `scopes`, as a client that signed `user` in holds it.
    pub fn graph_token_in(&self, world: &World, user: usize, scopes: &[&str]) -> String {
        self.delegated_token_in(world, user, scopes, false)
    }

    fn delegated_token_in(&self, world: &World, user: usize, scopes: &[&str], api: bool) -> String {
        let issuer = format!("{}{}/v2.0", self.login_url, world.tenant.id);
        let grant = identity::grants::Grant {
            user,
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            client_id: self.app().client_id.clone(),
        };
        world.delegated_token(&issuer, &grant, api)
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// A listener whose connections send small answers at once (`TCP_NODELAY`).
pub fn nodelay(listener: TcpListener) -> impl axum::serve::Listener<Addr = SocketAddr> {
    use axum::serve::ListenerExt;
    listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY not set");
        }
    })
}

fn base_url(addr: SocketAddr, path: &str) -> std::io::Result<Url> {
    Url::parse(&format!("http://{addr}{path}")).map_err(std::io::Error::other)
}

/// Binds a loopback port, builds the router with the base URL it will be reached at, and serves
/// it with `TCP_NODELAY` (design §5: without it small answers stall on delayed ACKs).
async fn serve(
    build: impl FnOnce(Url) -> axum::Router,
) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let app = build(base_url(addr, "")?);
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(nodelay(listener), app).await {
            tracing::error!(%error, "emulator listener stopped");
        }
    });
    Ok((addr, task))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_select_varied_without_end_does_not_grow_the_projection_cache() {
        let emulator = RunningEmulator::start(TenantSpec::empty().person("Ayşe Kaya"))
            .await
            .expect("starts");
        let world = &emulator.world;
        let kept = world.user_projection("id,displayName");
        for n in 0..PROJECTIONS_KEPT * 3 {
            world.user_projection(&format!("id,displayName,k{n}"));
        }
        let held = world.projections.lock().expect("lock").len();
        assert!(held <= PROJECTIONS_KEPT, "{held} projections kept");
        assert_eq!(kept.len(), 1, "a projection handed out stays whole");
    }
}
