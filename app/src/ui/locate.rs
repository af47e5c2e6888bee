//! The device position, asked once: the browser's geolocation with a short timeout, plus a
//! guard timer because a permission prompt nobody answers never times out by itself.

use js_sys::Reflect;
use leptos::prelude::set_timeout;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Located {
    /// Asked, no answer yet.
    Pending,
    /// lon/lat.
    Found([f64; 2]),
    Failed(LocateError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocateError {
    Denied,
    Unavailable,
    Timeout,
    Unsupported,
}

fn number_at(v: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(v, &key.into()).ok()?.as_f64()
}

/// Asks for the position; `report` gets every answer: an error (or the guard's timeout) and,
/// should the resident allow it late, the position after all.
pub fn locate(timeout_ms: u32, report: impl Fn(Located) + 'static) {
    let report = Rc::new(report);
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        report(Located::Failed(LocateError::Unsupported));
        return;
    };
    let answered = Rc::new(Cell::new(false));

    let (r, a) = (report.clone(), answered.clone());
    let success = Closure::once_into_js(move |pos: JsValue| {
        a.set(true);
        let coords = Reflect::get(&pos, &"coords".into()).unwrap_or(JsValue::UNDEFINED);
        match (
            number_at(&coords, "longitude"),
            number_at(&coords, "latitude"),
        ) {
            (Some(lon), Some(lat)) => r(Located::Found([lon, lat])),
            _ => r(Located::Failed(LocateError::Unavailable)),
        }
    });
    let (r, a) = (report.clone(), answered.clone());
    let failure = Closure::once_into_js(move |err: JsValue| {
        if a.replace(true) {
            return;
        }
        // GeolocationPositionError codes: 1 denied, 2 unavailable, 3 timeout.
        r(Located::Failed(
            match number_at(&err, "code").map(|c| c as u32) {
                Some(1) => LocateError::Denied,
                Some(3) => LocateError::Timeout,
                _ => LocateError::Unavailable,
            },
        ));
    });
    let opts = web_sys::PositionOptions::new();
    opts.set_enable_high_accuracy(false);
    opts.set_timeout(timeout_ms);
    opts.set_maximum_age(300_000);
    let asked = geo.get_current_position_with_error_callback_and_options(
        success.unchecked_ref(),
        Some(failure.unchecked_ref()),
        &opts,
    );
    if asked.is_err() {
        answered.set(true);
        report(Located::Failed(LocateError::Unsupported));
        return;
    }
    set_timeout(
        move || {
            if !answered.replace(true) {
                report(Located::Failed(LocateError::Timeout));
            }
        },
        Duration::from_millis(u64::from(timeout_ms) + 1500),
    );
}
