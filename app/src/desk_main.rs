//! The desk bundle, built to Wasm by Trunk (see desk.html): merchant registration (商户入驻) and
//! the owner's listing page, the staff's registration review and circle editor — the pages
//! that need a map (Leaflet) but not the resident map's walking rings, list and search.

fn main() {
    app::pages::mount_desk();
}
