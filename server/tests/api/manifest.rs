//! The add-in's manifests for this deployment: the XML one valid against Office's schemas, the
//! unified one (and its package) valid against Microsoft's JSON schema, both naming the
//! deployment's own address, and each version rising whenever its content changes.

use std::io::Read;

use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use crate::helpers::{TestApp, manifest_schema, spawn_app_with, start_replica};

const CONTOSO: &str = "https://davet.contoso.example/";
const FABRIKAM: &str = "https://outlook-addins.fabrikam.example:8443/";

async fn app_at(public_url: &str) -> TestApp {
    let url = Url::parse(public_url).expect("url");
    spawn_app_with(move |s| s.public_url = url).await
}

async fn fetch(app: &TestApp, server: &Url, path: &str) -> reqwest::Response {
    let response = app
        .http
        .get(server.join(path).expect("url"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response
}

fn xml_is_valid(xml: &str) {
    let schema = manifest_schema()
        .expect("the Office manifest schemas (../shared/spec/office-manifest-xsd)");
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("manifest.xml");
    std::fs::write(&file, xml).expect("write");
    let output = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint runs (`cargo xtask test` installs libxml2-utils)");
    assert!(
        output.status.success(),
        "the served manifest is invalid:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn unified_errors(manifest: &Value) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/spec/unified-manifest/MicrosoftTeams.schema.v1.24.json");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).expect("the unified manifest schema (../shared/spec)"),
    )
    .expect("JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .expect("the schema compiles");
    validator
        .iter_errors(manifest)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn xml_version(xml: &str) -> Vec<u64> {
    let start = xml.find("<Version>").expect("a version") + "<Version>".len();
    let end = xml[start..].find('<').expect("closed") + start;
    xml[start..end]
        .split('.')
        .map(|p| p.parse().expect("a number"))
        .collect()
}

fn unified_version(manifest: &Value) -> Vec<u64> {
    manifest["version"]
        .as_str()
        .expect("a version")
        .split('.')
        .map(|p| p.parse().expect("a number"))
        .collect()
}

#[tokio::test]
async fn both_manifests_name_the_deployment_and_validate_for_two_addresses() {
    for public_url in [CONTOSO, FABRIKAM] {
        let app = app_at(public_url).await;
        let origin = public_url.trim_end_matches('/');
        let response = fetch(&app, &app.url, "manifest.xml").await;
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("application/xml")
        );
        let xml = response.text().await.expect("xml");
        assert!(
            xml.contains(&format!("{origin}/pane/taskpane.html")),
            "{xml}"
        );
        assert!(!xml.contains("localhost"));
        xml_is_valid(&xml);

        let json: Value = fetch(&app, &app.url, "manifest.json")
            .await
            .json()
            .await
            .expect("JSON");
        assert_eq!(unified_errors(&json), Vec::<String>::new(), "{public_url}");
        let text = json.to_string();
        assert!(!text.contains("localhost"), "{text}");
        assert_eq!(
            json["extensions"][0]["runtimes"][0]["code"]["page"],
            format!("{origin}/pane/taskpane.html")
        );
        let host = Url::parse(public_url).expect("url");
        let domain = match host.port() {
            Some(port) => format!("{}:{port}", host.host_str().expect("host")),
            None => host.host_str().expect("host").to_owned(),
        };
        assert_eq!(json["validDomains"], serde_json::json!([domain]));
        assert_eq!(
            json["webApplicationInfo"]["id"],
            app.settings.identity.client_id
        );
        assert_eq!(
            json["webApplicationInfo"]["resource"],
            app.settings.app_id_uri
        );
        // The appointment organiser's and the message composer's ribbons both open the pane.
        let contexts = &json["extensions"][0]["ribbons"][0]["contexts"];
        assert_eq!(
            contexts,
            &serde_json::json!(["meetingDetailsOrganizer", "mailCompose"])
        );
    }
}

#[tokio::test]
async fn the_package_holds_the_manifest_its_icons_and_its_turkish_strings() {
    let app = app_at(CONTOSO).await;
    let served: Value = fetch(&app, &app.url, "manifest.json")
        .await
        .json()
        .await
        .expect("JSON");
    let bytes = fetch(&app, &app.url, "manifest.zip")
        .await
        .bytes()
        .await
        .expect("bytes");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut file = |name: &str| {
        let mut bytes = Vec::new();
        zip.by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the package"))
            .read_to_end(&mut bytes)
            .expect("read");
        bytes
    };
    let manifest: Value = serde_json::from_slice(&file("manifest.json")).expect("JSON");
    assert_eq!(manifest, served);
    // PNG width and height from the IHDR chunk: 192 for the colour icon, 32 for the outline.
    for (name, size) in [("color.png", 192_u32), ("outline.png", 32)] {
        let png = file(name);
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}");
        let width = u32::from_be_bytes(png[16..20].try_into().expect("4 bytes"));
        let height = u32::from_be_bytes(png[20..24].try_into().expect("4 bytes"));
        assert_eq!((width, height), (size, size), "{name}");
    }
    assert_eq!(
        manifest["icons"],
        serde_json::json!({"outline": "outline.png", "color": "color.png"})
    );
    let turkish: Value = serde_json::from_slice(&file("tr-tr.json")).expect("JSON");
    assert_eq!(
        manifest["localizationInfo"]["additionalLanguages"][0]["file"],
        "tr-tr.json"
    );
    assert_eq!(
        turkish["extensions[0].ribbons[0].tabs[0].groups[0].controls[0].label"],
        "Webex toplantısı"
    );
    // Every key names a string the manifest has (the path exists).
    for key in turkish
        .as_object()
        .expect("an object")
        .keys()
        .filter(|k| *k != "$schema")
    {
        let pointer = format!(
            "/{}",
            key.replace("[", ".").replace(']', "").replace('.', "/")
        );
        assert!(
            manifest.pointer(&pointer).is_some_and(Value::is_string),
            "{key} names nothing in the manifest"
        );
    }
}

#[tokio::test]
async fn each_version_rises_whenever_the_content_changes() {
    let app = app_at(CONTOSO).await;
    let read = |server: Url| {
        let app = &app;
        async move {
            let xml = fetch(app, &server, "manifest.xml")
                .await
                .text()
                .await
                .expect("xml");
            let json: Value = fetch(app, &server, "manifest.json")
                .await
                .json()
                .await
                .expect("JSON");
            (xml_version(&xml), unified_version(&json))
        }
    };
    let first = read(app.url.clone()).await;
    // Another replica with the same settings: the same content, the same versions.
    let (same, _) = start_replica(&app.settings).await;
    assert_eq!(read(same).await, first);
    // The deployment moves: both versions rise.
    let mut moved = app.settings.clone();
    moved.public_url = Url::parse(FABRIKAM).expect("url");
    let (fabrikam, _) = start_replica(&moved).await;
    let second = read(fabrikam).await;
    assert!(
        second.0 > first.0 && second.1 > first.1,
        "{first:?} then {second:?}"
    );
    // And back: a content seen before is a change too; the versions never go down.
    let (back, _) = start_replica(&app.settings).await;
    let third = read(back).await;
    assert!(
        third.0 > second.0 && third.1 > second.1,
        "{second:?} then {third:?}"
    );
    assert_eq!(first.0.len(), 4, "Office's versions have four parts");
    assert_eq!(first.1.len(), 3, "semantic versions have three");
}
