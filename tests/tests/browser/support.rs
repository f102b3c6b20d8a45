//! What the browser tests share: the running demo and a headless Chromium driven over WebDriver.

use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use davet::demo::{Demo, DemoOptions, default_pane_dir};
use davet_emulator::TenantSpec;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::process::{Child, Command};
use url::Url;

/// The demo, served in the background for the length of a test.
pub struct RunningDemo {
    pub app_url: Url,
    pub tenant: std::sync::Arc<davet_emulator::World>,
    /// The emulated identity platform's root (issuers hang off it).
    pub login_url: Url,
    /// The emulated Webex.
    pub webex: std::sync::Arc<davet_emulator::webex::Webex>,
}

pub async fn spawn_demo() -> RunningDemo {
    let pane_dir = std::env::var_os("DAVET_PANE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(default_pane_dir);
    let demo = Demo::start(DemoOptions {
        port: 0,
        tenant: TenantSpec::DEMO,
        pane_dir,
        tls: None,
    })
    .await
    .expect(
        "the demo starts (build the pane first: `cargo xtask pane`, or run `cargo xtask test`)",
    );
    let running = RunningDemo {
        app_url: demo.app_url.clone(),
        tenant: demo.emulator.world.clone(),
        login_url: demo.emulator.login_url.clone(),
        webex: demo.emulator.webex.clone(),
    };
    tokio::spawn(demo.run());
    running
}

/// The demo with a browser in its pane, signed in through the Office dialog as a person signs
/// in (the first member the identity platform's page lists). The browser's calls are its own.
pub struct SignedInPane {
    pub demo: RunningDemo,
    pub browser: Browser,
    /// The account chosen, as the sign-in page listed it.
    pub account: String,
}

impl SignedInPane {
    /// In an appointment being composed.
    pub async fn open() -> Self {
        Self::open_with(&[]).await
    }

    /// With the compose window's settings: `item` (`appointment`, `message`), `theme`
    /// (`light`, `dark`), `lang` (Outlook's display language, `en-US`, `tr-TR`).
    pub async fn open_with(settings: &[(&str, &str)]) -> Self {
        let demo = spawn_demo().await;
        let browser = Browser::start().await;
        let mut url = demo.app_url.clone();
        url.query_pairs_mut().extend_pairs(settings);
        browser.open_pane(&url).await;
        let account = browser.sign_in().await;
        Self {
            demo,
            browser,
            account,
        }
    }

    /// The demo tenant, as the emulator holds it: the truth a test compares the pane with.
    pub fn tenant(&self) -> &davet_emulator::Tenant {
        &self.demo.tenant.tenant
    }

    pub fn page(&self) -> &Client {
        &self.browser.client
    }

    /// Types `text` into the people search; answers each listed person's name and address,
    /// once the list shows.
    pub async fn search_people(&self, text: &str) -> Vec<(String, String)> {
        let page = self.page();
        page.find(Locator::Css("input[type=search]"))
            .await
            .expect("the search box")
            .send_keys(text)
            .await
            .expect("typing");
        page.wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("li.person"))
            .await
            .expect("matching people are listed");
        let names = texts(page, "li.person .person-name").await;
        let emails = texts(page, "li.person .email").await;
        assert_eq!(
            names.len(),
            emails.len(),
            "each person shows name and address"
        );
        names.into_iter().zip(emails).collect()
    }
}

impl SignedInPane {
    /// Connects Webex from the pane's account line as a person does: the dialog with Webex's
    /// page, the first account listed (the signed-in person's). Back in the pane afterwards,
    /// once the line says so (in whichever language the pane speaks).
    pub async fn connect_webex(&self) {
        let before = loop {
            let said = self.text_of(".account.webex span").await;
            if !said.is_empty() {
                break said;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let pane_window = self.open_dialog_with(".account.webex button").await;
        let page = self.page();
        page.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("ul.accounts button"))
            .await
            .expect("Webex lists accounts")
            .click()
            .await
            .expect("choose the account");
        page.switch_to_window(pane_window)
            .await
            .expect("back to the compose window");
        self.enter_pane().await;
        for _ in 0..100 {
            let now = self.text_of(".account.webex span").await;
            if !now.is_empty() && now != before {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the pane still says `{before}`");
    }

    /// Runs `script` in the compose window around the pane (its `davetCompose` is the item
    /// Outlook would hold) and answers its value; back in the pane afterwards.
    pub async fn in_compose_window(
        &self,
        script: &str,
        args: Vec<serde_json::Value>,
    ) -> serde_json::Value {
        let page = self.page();
        page.enter_parent_frame().await.expect("the compose window");
        let value = page.execute(script, args).await.expect("the script runs");
        self.enter_pane().await;
        value
    }
}

impl std::ops::Deref for SignedInPane {
    type Target = Browser;

    fn deref(&self) -> &Browser {
        &self.browser
    }
}

/// The texts of everything `css` finds in the current frame, read at one moment (element by
/// element, a list the pane redraws meanwhile would leave stale references).
pub async fn texts(page: &Client, css: &str) -> Vec<String> {
    let found = page
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText.trim());",
            vec![serde_json::json!(css)],
        )
        .await
        .expect("the texts");
    serde_json::from_value(found).expect("a list of texts")
}

/// Who signs in: the sign-in page lists enabled members first, and the tests choose the first.
pub fn organiser(tenant: &davet_emulator::Tenant) -> usize {
    tenant
        .users
        .iter()
        .position(|u| u.account_enabled && u.user_type == "Member")
        .expect("a member")
}

/// Headless Chromium behind ChromeDriver. Dropping it ends both.
pub struct Browser {
    pub client: Client,
    _driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> Self {
        let driver_path =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = free_port();
        // The organiser's zone is UTC in every test, whatever the machine's.
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .env("TZ", "UTC")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {driver_path} (`cargo xtask test` installs it): {e}")
            });
        let profile = tempfile::tempdir().expect("a temporary Chromium profile");
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1280,800",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..100 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        _driver: driver,
                        _profile: profile,
                    };
                }
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("ChromeDriver did not start a session: {last_error}");
    }

    /// Runs `source` in every page before its own scripts (Chrome DevTools Protocol).
    pub async fn before_page_scripts(&self, source: &str) {
        self.client
            .issue_cmd(Cdp {
                cmd: "Page.addScriptToEvaluateOnNewDocument",
                params: json!({ "source": source }),
            })
            .await
            .expect("ChromeDriver runs the CDP command");
    }

    /// Opens the demo's compose window and enters the pane's frame once the pane has started.
    pub async fn open_pane(&self, app_url: &Url) {
        let page = &self.client;
        page.goto(app_url.as_str())
            .await
            .expect("the demo host page loads");
        self.enter_pane().await;
    }

    /// Enters the pane's frame of the page shown, once the pane has started.
    pub async fn enter_pane(&self) {
        let page = &self.client;
        page.find(Locator::Id("pane"))
            .await
            .expect("the pane's iframe")
            .enter_frame()
            .await
            .expect("enter the pane");
        page.wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("main.pane"))
            .await
            .expect("the pane starts");
    }

    /// Signs in from the pane (entered) as a person signs in: the Sign in button, the dialog
    /// window with the identity platform's page, the first account listed. Back in the pane
    /// once the search box shows; answers the account's name as the page listed it.
    pub async fn sign_in(&self) -> String {
        let page = &self.client;
        let pane_window = page.window().await.expect("the window");
        page.find(Locator::Css(".sign-in button.primary"))
            .await
            .expect("the pane offers to sign in")
            .click()
            .await
            .expect("click Sign in");
        let dialog = wait_for_second_window(page, &pane_window).await;
        page.switch_to_window(dialog)
            .await
            .expect("into the sign-in dialog");
        let account = page
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("ul.accounts button"))
            .await
            .expect("the identity platform lists accounts");
        let listed = account.text().await.expect("the account's text");
        account.click().await.expect("choose the account");
        // The dialog hands the session to the pane and is closed by it.
        page.switch_to_window(pane_window)
            .await
            .expect("back to the compose window");
        self.enter_pane().await;
        page.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("input[type=search]"))
            .await
            .expect("signed in, the pane shows its search box");
        listed
    }

    /// The addresses in the compose window's Required attendees, in lower case, read from the
    /// pane's frame; back in the pane afterwards. An address twice fails the test.
    pub async fn required_attendees(&self) -> std::collections::BTreeSet<String> {
        let page = &self.client;
        page.enter_parent_frame().await.expect("the compose window");
        let mut chips = std::collections::BTreeSet::new();
        for chip in page
            .find_all(Locator::Css("#requiredAttendees .chip"))
            .await
            .expect("chips")
        {
            let email = chip
                .attr("data-email")
                .await
                .expect("attr")
                .expect("address");
            assert!(chips.insert(email.to_lowercase()), "{email} twice");
        }
        self.enter_pane().await;
        chips
    }

    /// Clicks what `css` finds (waiting up to five seconds for it).
    pub async fn click(&self, css: &str) {
        self.client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("{css} shows"))
            .click()
            .await
            .unwrap_or_else(|_| panic!("{css} takes a click"));
    }

    /// Clicks the button of class `class` in the list row `row` (an XPath).
    pub async fn click_in_row(&self, row: &str, class: &str) {
        let button = format!("{row}//button[contains(@class,'{class}')]");
        self.client
            .find(Locator::XPath(&button))
            .await
            .unwrap_or_else(|_| panic!("{button} shows"))
            .click()
            .await
            .unwrap_or_else(|_| panic!("{button} takes a click"));
    }

    /// Waits (up to ten seconds) until what `css` finds reads `expected`.
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let mut seen = String::new();
        for _ in 0..100 {
            if let Ok(found) = self.client.find(Locator::Css(css)).await {
                seen = found.text().await.unwrap_or_default();
                if seen == expected {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} reads `{seen}`, not `{expected}`");
    }

    /// Clicks what `css` finds in the pane, then goes into the dialog (or popup) it opens.
    /// Answers the pane's window, to come back to.
    pub async fn open_dialog_with(&self, css: &str) -> fantoccini::wd::WindowHandle {
        let pane_window = self.client.window().await.expect("the window");
        self.click(css).await;
        let dialog = wait_for_second_window(&self.client, &pane_window).await;
        self.client
            .switch_to_window(dialog)
            .await
            .expect("into the dialog");
        pane_window
    }

    /// The text of what `css` finds, once it shows (up to ten seconds).
    pub async fn text_of(&self, css: &str) -> String {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("{css} shows"))
            .text()
            .await
            .expect("text")
    }

    /// URLs of the scripts and modules the current frame has loaded.
    pub async fn loaded_resources(&self) -> Vec<String> {
        let value = self
            .client
            .execute(
                "return performance.getEntriesByType('resource').map(e => e.name);",
                vec![],
            )
            .await
            .expect("the resource timings");
        serde_json::from_value(value).expect("a list of URLs")
    }

    /// What axe-core finds in the current frame that is serious or critical, as
    /// `rule: the elements`; empty when nothing is.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let axe = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../xtask/npm/node_modules/axe-core/axe.min.js"
        ))
        .expect("axe-core (installed with the pane's build tools: `cargo xtask pane`)");
        self.client
            .execute(&format!("{axe}\nwindow.axe = axe;"), vec![])
            .await
            .expect("axe-core loads");
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 axe.run(document, { resultTypes: ['violations'] }).then((r) => done(r.violations \
                   .filter((v) => v.impact === 'serious' || v.impact === 'critical') \
                   .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))) \
                   .catch((e) => done(['axe-core failed: ' + e]));",
                vec![],
            )
            .await
            .expect("axe-core runs");
        serde_json::from_value(found).expect("a list")
    }

    /// Saves a screenshot under `target/e2e/`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/e2e"));
        std::fs::create_dir_all(&dir).expect("target/e2e");
        let path = dir.join(format!("{name}.png"));
        let png = self.client.screenshot().await.expect("a screenshot");
        std::fs::write(&path, png).expect("the screenshot is written");
        path
    }
}

async fn wait_for_second_window(
    page: &fantoccini::Client,
    first: &fantoccini::wd::WindowHandle,
) -> fantoccini::wd::WindowHandle {
    for _ in 0..100 {
        let windows = page.windows().await.expect("the windows");
        if let Some(other) = windows.into_iter().find(|w| w != first) {
            return other;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no sign-in window opened");
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A Chrome DevTools Protocol command through ChromeDriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}
