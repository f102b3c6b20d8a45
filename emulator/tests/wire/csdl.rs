//! Property names are Graph's: the emulator's tables match the CSDL, and everything it serves is
//! declared there.

use std::path::PathBuf;

use davet_emulator::graph::csdl;
use davet_emulator::{Tenant, TenantSpec};

fn metadata() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/spec/graph/v1.0-cleanMetadata.xml");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the Graph CSDL at {}: {e}", path.display()))
}

/// Structural properties of an entity type and its base types, base first.
fn properties(csdl: &str, name: &str) -> Vec<String> {
    let open = format!("<EntityType Name=\"{name}\"");
    let start = csdl
        .find(&open)
        .unwrap_or_else(|| panic!("{name} is in the CSDL"));
    let header_end = start + csdl[start..].find('>').expect("tag end");
    let header = &csdl[start..header_end];
    let end = start + csdl[start..].find("</EntityType>").expect("type end");
    let mut props = match header.split("BaseType=\"").nth(1) {
        Some(rest) => {
            let base = rest.split('"').next().unwrap_or_default();
            properties(csdl, base.rsplit('.').next().unwrap_or(base))
        }
        None => Vec::new(),
    };
    for chunk in csdl[header_end..end].split("<Property Name=\"").skip(1) {
        props.push(chunk.split('"').next().unwrap_or_default().to_owned());
    }
    props
}

#[test]
fn the_emulators_property_tables_are_the_csdls() {
    let xml = metadata();
    for (name, table) in [
        ("user", csdl::USER),
        ("group", csdl::GROUP),
        ("orgContact", csdl::ORG_CONTACT),
        ("device", csdl::DEVICE),
        ("contact", csdl::CONTACT),
        ("contactFolder", csdl::CONTACT_FOLDER),
        ("event", csdl::EVENT),
    ] {
        assert_eq!(properties(&xml, name), table, "{name}");
    }
}

#[test]
fn every_property_the_tenant_serialises_is_declared() {
    let tenant = Tenant::generate(&TenantSpec::DEMO);
    let check = |value: serde_json::Value, table: &[&str], what: &str| {
        for key in value.as_object().expect("object").keys() {
            assert!(
                table.contains(&key.as_str()),
                "{what}.{key} is not in the CSDL"
            );
        }
    };
    check(
        serde_json::to_value(&tenant.users[0]).expect("json"),
        csdl::USER,
        "user",
    );
    check(
        serde_json::to_value(&tenant.groups[0]).expect("json"),
        csdl::GROUP,
        "group",
    );
    check(
        serde_json::to_value(&tenant.contacts[0]).expect("json"),
        csdl::ORG_CONTACT,
        "orgContact",
    );
    let mailbox = tenant.mailbox(0);
    check(
        serde_json::to_value(&mailbox.contacts[0]).expect("json"),
        csdl::CONTACT,
        "contact",
    );
    check(
        serde_json::to_value(&mailbox.root).expect("json"),
        csdl::CONTACT_FOLDER,
        "contactFolder",
    );
    check(
        serde_json::to_value(&tenant.devices[0]).expect("json"),
        csdl::DEVICE,
        "device",
    );
}

#[test]
fn every_default_property_set_is_the_csdls() {
    let xml = metadata();
    for (name, defaults) in [
        ("user", davet_emulator::graph::USER_DEFAULTS),
        ("group", davet_emulator::graph::GROUP_DEFAULTS),
    ] {
        let declared = properties(&xml, name);
        for property in defaults {
            assert!(
                declared.iter().any(|p| p == property),
                "{name}'s default {property} is not in the CSDL"
            );
        }
    }
}
