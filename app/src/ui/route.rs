//! URL state: `/` is the circle map, `/repair` the 小修小补 map; `?category=CODE` or `?kind=CODE`
//! keeps the chosen chip, so a shared or reloaded link shows the same map.

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub view: View,
    /// A category code (circle map) or repair-kind code (repair map); `None` = all.
    pub filter: Option<String>,
}

impl Route {
    pub fn new(view: View, filter: Option<String>) -> Route {
        Route { view, filter }
    }

    /// Reads a path and query string (`?a=b&c=d`, with or without the `?`).
    pub fn parse(path: &str, search: &str) -> Route {
        let view = if path.trim_end_matches('/').ends_with("/repair") {
            View::Repair
        } else {
            View::Circle
        };
        let key = view.query_key();
        let filter = search
            .trim_start_matches('?')
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
            // Codes are plain ASCII (the rules check this), so anything else is not a code.
            .filter(|v| is_code(v));
        Route { view, filter }
    }

    pub fn url(&self) -> String {
        let path = match self.view {
            View::Circle => "/",
            View::Repair => "/repair",
        };
        match &self.filter {
            Some(code) => format!("{path}?{}={code}", self.view.query_key()),
            None => path.to_string(),
        }
    }
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The route of the page as loaded or after back/forward.
pub fn current() -> Route {
    let location = web_sys::window().expect("window").location();
    Route::parse(
        &location.pathname().unwrap_or_default(),
        &location.search().unwrap_or_default(),
    )
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
    fn url_round_trips() {
        for r in [
            Route::new(View::Circle, None),
            Route::new(View::Circle, Some("wet_market".into())),
            Route::new(View::Repair, None),
            Route::new(View::Repair, Some("key".into())),
        ] {
            let url = r.url();
            let (path, search) = url.split_once('?').unwrap_or((&url, ""));
            assert_eq!(Route::parse(path, search), r);
        }
    }
}
