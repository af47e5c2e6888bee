//! The browser client, built to Wasm by Trunk (see index.html).

fn main() {
    app::ui::mount();
}
