//! The survey bundle, built to Wasm by Trunk (see survey.html): the resident's form, the
//! indicator page and the staff pages (`app::pages`).

fn main() {
    app::pages::mount();
}
