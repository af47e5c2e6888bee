//! The survey bundle, built to Wasm by Trunk (see survey.html): the resident's form, the
//! indicator page and the staff pages. The pages live in this binary, not in the library, so
//! the map's bundle is built from exactly the code it was built from before.

mod pages;

fn main() {
    pages::mount();
}
