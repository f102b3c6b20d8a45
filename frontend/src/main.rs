//! Mounts the pane; the components live in the library so browser tests can import them.

fn main() {
    davet_pane::mount();
}
