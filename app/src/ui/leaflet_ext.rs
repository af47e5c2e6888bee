//! Leaflet calls that leaflet-rs 0.5 does not expose, and a helper for the plain option
//! objects Leaflet takes.

use leaflet::{Control, DivIconOptions, GeoJson, Icon, Marker};
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

#[wasm_bindgen]
extern "C" {
    /// `L.geoJSON(data, options)`: leaflet-rs keeps its own binding private.
    #[wasm_bindgen(js_namespace = L, js_name = geoJSON)]
    pub fn geo_json(data: &JsValue, options: &JsValue) -> GeoJson;

    /// `L.divIcon(options)`: leaflet-rs 0.5's `DivIcon::new` constructs an `L.Icon`, which
    /// demands an image URL.
    #[wasm_bindgen(js_namespace = L, js_name = divIcon)]
    pub fn div_icon(options: &DivIconOptions) -> Icon;

    #[wasm_bindgen(extends = Control)]
    pub type Attribution;

    /// `L.control.attribution(options)`.
    #[wasm_bindgen(js_namespace = ["L", "control"], js_name = attribution)]
    pub fn attribution_control(options: &JsValue) -> Attribution;

    #[wasm_bindgen(method, js_name = addAttribution)]
    pub fn add_attribution(this: &Attribution, text: &str) -> Attribution;

    /// Any Leaflet layer, for methods leaflet-rs lacks.
    pub type AnyLayer;

    #[wasm_bindgen(method, js_name = getElement)]
    fn get_element(this: &AnyLayer) -> Option<HtmlElement>;
}

/// The marker's icon element (`None` until the marker is on the map).
pub fn element(marker: &Marker) -> Option<HtmlElement> {
    marker.unchecked_ref::<AnyLayer>().get_element()
}

/// A plain JS object from key/value pairs, for Leaflet's option and style objects.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// `value[key]` as a string, if it is one.
pub fn string_at(value: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str(key))
        .ok()?
        .as_string()
}
