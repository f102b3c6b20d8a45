//! `/manifest.xml`: the add-in manifest for this deployment, valid against Office's schemas.

use reqwest::StatusCode;

use crate::helpers::{manifest_schema, spawn_app};

#[tokio::test]
async fn the_served_manifest_names_this_deployment_and_validates_against_the_office_schemas() {
    let app = spawn_app().await;
    let response = app.get("manifest.xml").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/xml")
    );
    let xml = response.text().await.expect("xml");
    assert!(xml.contains("https://davet.contoso.example/pane/taskpane.html"));
    assert!(!xml.contains("localhost"));

    let schema = manifest_schema()
        .expect("the Office manifest schemas (../shared/spec/office-manifest-xsd)");
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("manifest.xml");
    std::fs::write(&file, &xml).expect("write");
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
