//! The add-in manifest, rendered for this deployment's address.
//!
//! `manifest.xml` at the repository root is a valid manifest for `https://localhost:3000`
//! (the schemas validate it as it is); rendering swaps that origin for the public URL.

use url::Url;

/// The origin the template is written for.
pub const TEMPLATE_ORIGIN: &str = "https://localhost:3000";

const TEMPLATE: &str = include_str!("../../manifest.xml");

pub fn render(public_url: &Url) -> String {
    let origin = public_url.as_str().trim_end_matches('/');
    TEMPLATE.replace(TEMPLATE_ORIGIN, &escape_xml(origin))
}

fn escape_xml(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_url_points_at_the_deployment() {
        let xml = render(&Url::parse("https://davet.contoso.example/").unwrap());
        assert!(
            !xml.contains("localhost"),
            "a template URL survived rendering"
        );
        assert!(xml.contains("https://davet.contoso.example/pane/taskpane.html"));
        assert!(xml.contains("https://davet.contoso.example/assets/icon-80.png"));
    }
}
