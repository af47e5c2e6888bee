//! URL state: `/` is the circle map, `/repair` the 小修小补 map; `?category=CODE` or `?kind=CODE`
//! keeps the chosen chip, `min=5|10|15` the walking-time filter and `from=lon,lat` a walking
//! origin the resident chose on the map, `gaps=1` the coverage-gap overlay of the chosen
//! category and `q=` the search words, so a shared or reloaded link shows the same map.

use wasm_bindgen::JsValue;

/// Which of the two maps is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Circle,
    Repair,
}

impl View {
    fn query_key(self) -> &'static str {
        match self {
            View::Circle => "category",
            View::Repair => "kind",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub view: View,
    /// A category code (circle map) or repair-kind code (repair map); `None` = all.
    pub filter: Option<String>,
    /// Only outlets within this many walking minutes; `None` = all.
    pub minutes: Option<u32>,
    /// The walking origin, lon/lat to 6 decimals (about 10 cm).
    pub from: Option<[f64; 2]>,
    /// The chosen category's coverage gaps are drawn (circle map, one category only).
    pub gaps: bool,
    /// Search words typed by the resident (empty = no search).
    pub query: String,
}

impl Route {
    #[cfg(test)]
    pub fn new(view: View, filter: Option<String>) -> Route {
        Route {
            view,
            filter,
            minutes: None,
            from: None,
            gaps: false,
            query: String::new(),
        }
    }

    /// The same route with another chip (walking filter and origin kept, gaps off). Chips and
    /// search are two ways to find: choosing a chip ends the search.
    pub fn with_filter(&self, filter: Option<String>) -> Route {
        Route {
            gaps: self.gaps && filter == self.filter,
            filter,
            query: String::new(),
            ..self.clone()
        }
    }

    /// The other map, with its "all" chip (walking filter and origin kept, gaps off).
    pub fn with_view(&self, view: View) -> Route {
        Route {
            view,
            filter: None,
            gaps: false,
            ..self.clone()
        }
    }

    pub fn with_gaps(&self, gaps: bool) -> Route {
        Route {
            gaps,
            ..self.clone()
        }
    }

    pub fn with_minutes(&self, minutes: Option<u32>) -> Route {
        Route {
            minutes,
            ..self.clone()
        }
    }

    /// Typing a search looks through the whole map: it leaves the chip for "all".
    pub fn with_query(&self, query: &str) -> Route {
        let searching = !query.trim().is_empty();
        Route {
            query: query.to_string(),
            filter: if searching { None } else { self.filter.clone() },
            gaps: self.gaps && !searching,
            ..self.clone()
        }
    }

    pub fn with_from(&self, from: Option<[f64; 2]>) -> Route {
        Route {
            from: from.map(round6),
            ..self.clone()
        }
    }

    /// Reads a path and query string (`?a=b&c=d`, with or without the `?`).
    pub fn parse(path: &str, search: &str) -> Route {
        let view = if path.trim_end_matches('/').ends_with("/repair") {
            View::Repair
        } else {
            View::Circle
        };
        let get = |key: &str| param(search, key);
        let filter = get(view.query_key())
            .map(str::to_string)
            // Codes are plain ASCII (the rules check this), so anything else is not a code.
            .filter(|v| is_code(v));
        let minutes = get("min")
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|m| (1..=60).contains(m));
        let from = get("from").and_then(parse_lonlat);
        let gaps = view == View::Circle && filter.is_some() && get("gaps") == Some("1");
        let query = get("q").map(percent_decode).unwrap_or_default();
        Route {
            view,
            filter,
            minutes,
            from,
            gaps,
            query,
        }
    }

    pub fn url(&self) -> String {
        let path = match self.view {
            View::Circle => "/",
            View::Repair => "/repair",
        };
        let mut query = Vec::new();
        if let Some(code) = &self.filter {
            query.push(format!("{}={code}", self.view.query_key()));
        }
        if let Some(m) = self.minutes {
            query.push(format!("min={m}"));
        }
        if let Some(p) = self.from {
            query.push(format!("from={}", lonlat_text(p)));
        }
        if self.gaps {
            query.push("gaps=1".to_string());
        }
        if !self.query.trim().is_empty() {
            query.push(format!(
                "q={}",
                crate::domain::cn_coords::percent_encode(&self.query)
            ));
        }
        if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", query.join("&"))
        }
    }
}

/// `%XX` escapes (UTF-8) and `+` as a space, as browsers write form values; a malformed escape
/// is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `lon,lat` as written in the URL (6 decimals).
pub fn lonlat_text(p: [f64; 2]) -> String {
    format!("{:.6},{:.6}", p[0], p[1])
}

/// A point to 6 decimals, exactly as it reads back from [`lonlat_text`], so the client and
/// the server (given the URL's numbers) snap the very same point.
pub fn round6(p: [f64; 2]) -> [f64; 2] {
    parse_lonlat(&lonlat_text(p)).unwrap_or(p)
}

fn parse_lonlat(text: &str) -> Option<[f64; 2]> {
    // `%2C` when a browser or messenger escaped the comma.
    let text = text.replace("%2C", ",").replace("%2c", ",");
    let (lon, lat) = text.split_once(',')?;
    let (lon, lat) = (
        lon.trim().parse::<f64>().ok()?,
        lat.trim().parse::<f64>().ok()?,
    );
    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)).then_some([lon, lat])
}

/// The route of the page as loaded or after back/forward.
pub fn current() -> Route {
    let location = web_sys::window().expect("window").location();
    Route::parse(
        &location.pathname().unwrap_or_default(),
        &location.search().unwrap_or_default(),
    )
}

/// One parameter of the page's query string, decoded.
pub fn query_param(key: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    param(&search, key).map(percent_decode)
}

/// The raw value of `key` in a query string (`?a=b&c=d`, with or without the `?`).
fn param<'a>(search: &'a str, key: &str) -> Option<&'a str> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// Reloads the page without one query parameter (e.g. after a setting changed).
pub fn reload_without(key: &str) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let path = location.pathname().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    let kept: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some(key))
        .collect();
    let url = if kept.is_empty() {
        path
    } else {
        format!("{path}?{}", kept.join("&"))
    };
    let _ = location.replace(&url);
}

/// Shows another route: written to the address bar (`push`: as a new history entry) and set.
pub fn set(route: leptos::prelude::RwSignal<Route>, next: Route, push: bool) {
    use leptos::prelude::Set;
    write(&next, push);
    route.set(next);
}

/// Writes the route to the address bar; `push` adds a history entry (for switching maps)
/// so the back button returns to the other map.
pub fn write(route: &Route, push: bool) {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let url = route.url();
    if current().url() == url {
        return;
    }
    let _ = if push {
        history.push_state_with_url(&JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_views_and_filters() {
        assert_eq!(Route::parse("/", ""), Route::new(View::Circle, None));
        assert_eq!(
            Route::parse("/", "?category=breakfast"),
            Route::new(View::Circle, Some("breakfast".into()))
        );
        assert_eq!(
            Route::parse("/repair", "?kind=shoe&x=1"),
            Route::new(View::Repair, Some("shoe".into()))
        );
        assert_eq!(
            Route::parse("/repair/", "?category=shoe"),
            Route::new(View::Repair, None)
        );
        assert_eq!(
            Route::parse("/", "?category=%3Cb%3E"),
            Route::new(View::Circle, None)
        );
    }

    #[test]
    fn parses_walking_minutes_and_origin() {
        let r = Route::parse("/", "?min=10&from=121.441234,31.245678&category=pharmacy");
        assert_eq!(r.minutes, Some(10));
        assert_eq!(r.from, Some([121.441234, 31.245678]));
        assert_eq!(r.filter.as_deref(), Some("pharmacy"));
        assert_eq!(
            Route::parse("/", "?from=24.94%2C60.17").from,
            Some([24.94, 60.17])
        );
        for bad in ["?min=0", "?min=abc", "?min=999", "?from=1", "?from=200,10"] {
            let r = Route::parse("/", bad);
            assert_eq!((r.minutes, r.from), (None, None), "{bad}");
        }
    }

    #[test]
    fn url_round_trips() {
        let walking = Route::new(View::Repair, Some("key".into()))
            .with_minutes(Some(5))
            .with_from(Some([24.9412345678, 60.1712345678]));
        assert_eq!(
            walking.url(),
            "/repair?kind=key&min=5&from=24.941235,60.171235"
        );
        for r in [
            Route::new(View::Circle, None),
            Route::new(View::Circle, Some("wet_market".into())),
            Route::new(View::Repair, None),
            Route::new(View::Repair, Some("key".into())),
            Route::new(View::Circle, None).with_minutes(Some(15)),
            Route::new(View::Circle, Some("breakfast".into())).with_gaps(true),
            walking,
        ] {
            let url = r.url();
            let (path, search) = url.split_once('?').unwrap_or((&url, ""));
            assert_eq!(Route::parse(path, search), r);
        }
    }

    #[test]
    fn switching_chip_or_map_keeps_the_walk() {
        let r = Route::new(View::Circle, Some("pharmacy".into()))
            .with_minutes(Some(10))
            .with_from(Some([121.0, 31.0]));
        let other = r.with_view(View::Repair);
        assert_eq!(
            (other.filter, other.minutes, other.from),
            (None, Some(10), Some([121.0, 31.0]))
        );
        let chip = r.with_filter(None);
        assert_eq!((chip.minutes, chip.from), (Some(10), Some([121.0, 31.0])));
        // The gap overlay belongs to its category: another chip or map turns it off.
        let gaps = r.with_gaps(true);
        assert!(gaps.with_filter(Some("pharmacy".into())).gaps);
        assert!(!gaps.with_filter(Some("breakfast".into())).gaps);
        assert!(!gaps.with_view(View::Repair).gaps);
        assert!(!Route::parse("/", "?gaps=1").gaps);
        assert!(Route::parse("/", "?category=breakfast&gaps=1").gaps);
    }

    #[test]
    fn search_words_round_trip_encoded() {
        let r = Route::new(View::Repair, None).with_query("修鞋 & key#1");
        let url = r.url();
        assert!(
            url.starts_with("/repair?q=%E4%BF%AE%E9%9E%8B%20%26%20key%231"),
            "{url}"
        );
        let (path, search) = url.split_once('?').unwrap();
        assert_eq!(Route::parse(path, search), r);
        assert_eq!(Route::parse("/", "?q=xiu+xie").query, "xiu xie");
        assert_eq!(Route::parse("/", "?q=100%").query, "100%");
        assert_eq!(Route::parse("/", "?q=%E4%BF").query, "\u{fffd}");
        // Search and chips take turns.
        let chip = Route::new(View::Circle, Some("breakfast".into())).with_gaps(true);
        let searching = chip.with_query("xiuxie");
        assert_eq!((searching.filter.as_deref(), searching.gaps), (None, false));
        assert_eq!(searching.with_filter(Some("pharmacy".into())).query, "");
        assert_eq!(chip.with_query(" ").filter.as_deref(), Some("breakfast"));
    }
}
