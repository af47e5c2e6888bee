//! The browser client: a full-screen Leaflet map of one 便民生活圈 with category chips, a
//! legend, an outlet card, and a second map for 小修小补 repair points.
//!
//! Data flow: four small API calls (config, rules, circles, outlets) and the basemap load in
//! parallel; the URL holds the view and chip; everything shown derives from those signals.

mod api;
mod basemap;
mod card;
mod chips;
mod filter;
mod hours;
mod leaflet_ext;
mod legend;
mod map;
mod markers;
mod route;
mod status;
mod tabs;

use crate::domain::{Circle, ClientConfig, Rules, StoredOutlet};
use api::LoadError;
use card::{display_name, OutletCard};
use chips::Chips;
use filter::{category_badge, legend, marker_badge, shows, Badge};
use legend::Legend;
use leptos::html;
use leptos::prelude::*;
use map::MapView;
use markers::{marker_spec, MarkerSpec};
use route::Route;
use status::{BottomBar, StatusOverlay};
use std::rc::Rc;
use std::sync::Arc;
use tabs::Tabs;

/// Everything the maps need besides the basemap.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    pub config: ClientConfig,
    pub rules: Rules,
    /// The first circle the server lists (one circle per deployment for now).
    pub circle: Option<Circle>,
    pub outlets: Vec<StoredOutlet>,
}

pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// The part of the map not covered by the sample banner or the outlet card, in map pixels.
fn visible_band() -> (f64, f64) {
    let doc = document();
    let rect = |sel: &str| {
        doc.query_selector(sel)
            .ok()
            .flatten()
            .map(|e| e.get_bounding_client_rect())
    };
    let Some(map) = rect("#map") else {
        return (0.0, 0.0);
    };
    let top = rect(".sample-badge").map_or(0.0, |r| r.bottom() - map.top());
    let bottom = rect(".card").map_or(map.height(), |r| r.top() - map.top());
    (top, bottom.min(map.height()))
}

fn refetch_failed<T: 'static>(resource: LocalResource<Result<T, LoadError>>) {
    if resource.with_untracked(|v| matches!(v, Some(Err(_)))) {
        resource.refetch();
    }
}

#[component]
fn App() -> impl IntoView {
    let config = LocalResource::new(api::config);
    let rules_res = LocalResource::new(api::rules);
    let circles = LocalResource::new(api::circles);
    let outlets = LocalResource::new(api::outlets);
    let basemap = LocalResource::new(api::basemap);

    // None while loading; an error as soon as any request failed.
    let data = Memo::new(move |_| -> Option<Result<Arc<Data>, LoadError>> {
        let (c, r, ci, o) = (config.get(), rules_res.get(), circles.get(), outlets.get());
        let failed = [
            c.as_ref().and_then(|x| x.as_ref().err()),
            r.as_ref().and_then(|x| x.as_ref().err()),
            ci.as_ref().and_then(|x| x.as_ref().err()),
            o.as_ref().and_then(|x| x.as_ref().err()),
        ];
        if let Some(e) = failed.into_iter().flatten().next() {
            return Some(Err(e.clone()));
        }
        Some(Ok(Arc::new(Data {
            config: c?.ok()?,
            rules: r?.ok()?,
            circle: ci?.ok()?.into_iter().next(),
            outlets: o?.ok()?,
        })))
    });
    let ready_data = move || data.get().and_then(Result::ok);
    let rules = Memo::new(move |_| ready_data().map(|d| d.rules.clone()));
    let basemap_error = move || {
        let tiles = ready_data().is_some_and(|d| d.config.tile_url.is_some());
        if tiles {
            return None;
        }
        basemap.with(|b| b.as_ref().and_then(|b| b.as_ref().err().cloned()))
    };
    let load_error = Signal::derive(move || match data.get() {
        Some(Err(e)) => Some(e),
        _ => basemap_error(),
    });
    let retry = move || {
        refetch_failed(config);
        refetch_failed(rules_res);
        refetch_failed(circles);
        refetch_failed(outlets);
        refetch_failed(basemap);
    };

    let route = RwSignal::new(route::current());
    let _ = window_event_listener(leptos::ev::popstate, move |_| route.set(route::current()));
    let selected = RwSignal::new(None::<i64>);
    let legend_open = RwSignal::new(false);

    // Indices of the outlets the current view and chip show.
    let shown = Memo::new(move |_| {
        let r = route.get();
        ready_data().map_or_else(Vec::new, |d| {
            (0..d.outlets.len())
                .filter(|&i| shows(&d.rules, &r, &d.outlets[i].outlet))
                .collect::<Vec<_>>()
        })
    });
    let any_sample = Memo::new(move |_| {
        ready_data()
            .is_some_and(|d| shown.with(|s| s.iter().any(|&i| d.outlets[i].outlet.is_sample())))
    });
    let legend_rows = Memo::new(move |_| -> Vec<(Badge, usize)> {
        let r = route.get();
        ready_data().map_or_else(Vec::new, |d| {
            shown.with(|s| legend(&d.rules, &r, s.iter().map(|&i| &d.outlets[i].outlet)))
        })
    });

    // A code the rules do not know (an old link) falls back to "all", in the URL too.
    Effect::new(move |_| {
        let Some(rules) = rules.get() else { return };
        let r = route.get();
        if r.filter.is_some() && filter::effective_filter(&rules, &r).is_none() {
            let next = Route::new(r.view, None);
            route::write(&next, false);
            route.set(next);
        }
    });
    // A new view or chip closes the card of the previous choice.
    Effect::new(move |_| {
        route.track();
        selected.set(None);
    });

    let map_ref = NodeRef::<html::Div>::new();
    let map_view = RwSignal::new_local(None::<Rc<MapView>>);
    let basemap_drawn = RwSignal::new(false);
    let markers_drawn = RwSignal::new(false);

    Effect::new(move |_| {
        let (Some(el), Some(d)) = (map_ref.get(), ready_data()) else {
            return;
        };
        if map_view.with_untracked(Option::is_some) {
            return;
        }
        let mv = MapView::new(&el, d.circle.as_ref(), move |id| selected.set(id));
        if let Some(c) = &d.circle {
            mv.draw_circle(c);
        }
        if let Some(url) = &d.config.tile_url {
            mv.add_tiles(url, d.config.tile_attribution.as_deref());
            basemap_drawn.set(true);
        }
        map_view.set(Some(Rc::new(mv)));
    });
    Effect::new(move |_| {
        let Some(mv) = map_view.get() else { return };
        if basemap_drawn.get_untracked() {
            return;
        }
        basemap.with(|b| {
            if let Some(Ok(text)) = b {
                mv.draw_basemap(text);
                basemap_drawn.set(true);
            }
        });
    });
    Effect::new(move |_| {
        let (Some(mv), Some(d)) = (map_view.get(), ready_data()) else {
            return;
        };
        let r = route.get();
        let specs: Vec<MarkerSpec> = shown.with(|s| {
            s.iter()
                .map(|&i| {
                    let o = &d.outlets[i];
                    let badge = marker_badge(&d.rules, &r, &o.outlet);
                    let category = category_badge(&d.rules, &o.outlet.category).name;
                    marker_spec(o, &badge, &display_name(&d.rules, o), &category)
                })
                .collect()
        });
        mv.set_outlets(&specs);
        markers_drawn.set(true);
    });
    Effect::new(move |_| {
        let id = selected.get();
        if let Some(mv) = map_view.get() {
            mv.highlight(id);
            if let Some(id) = id {
                // After the card is laid out, so its height is known.
                request_animation_frame(move || {
                    let (top, bottom) = visible_band();
                    mv.reveal(id, top, bottom);
                });
            }
        }
    });

    let card = move || {
        let id = selected.get()?;
        let d = ready_data()?;
        let outlet = d.outlets.iter().find(|o| o.id == id)?.clone();
        let badge = marker_badge(&d.rules, &route.get_untracked(), &outlet.outlet);
        Some(view! {
            <OutletCard outlet badge rules=d.rules.clone() on_close=move |_| selected.set(None) />
        })
    };
    let count = Signal::derive(move || shown.with(Vec::len));
    let circle_name = Signal::derive(move || {
        ready_data().and_then(|d| d.circle.as_ref().map(|c| c.name_zh.clone()))
    });
    let loading = Signal::derive(move || data.with(Option::is_none));
    let has_data = Signal::derive(move || ready_data().is_some());
    let failed = Signal::derive(move || load_error.get().is_some());
    let show_all = Callback::new(move |_| {
        let next = Route::new(route.with_untracked(|r| r.view), None);
        route::write(&next, false);
        route.set(next);
    });

    view! {
        <div class="app">
            <header class="top">
                <Tabs route />
                <Chips route rules=rules.into() />
            </header>
            <main class="map-wrap">
                <div id="map" node_ref=map_ref aria-label="生活圈地图"></div>
                <Show when=move || any_sample.get()>
                    <p class="sample-badge" data-testid="sample-badge" role="note">
                        <strong>"示例数据"</strong>
                        " · 网点为演示生成，非真实商户"
                    </p>
                </Show>
                <StatusOverlay
                    loading
                    error=load_error
                    has_data
                    count
                    filtered=Signal::derive(move || route.with(|r| r.filter.is_some()))
                    on_retry=Callback::new(move |_| retry())
                    on_show_all=show_all
                />
                <Legend rows=legend_rows.into() open=legend_open />
                <Show when=move || basemap_drawn.get() && markers_drawn.get()>
                    <span class="sr-only" data-testid="map-ready">"地图已就绪"</span>
                </Show>
            </main>
            <BottomBar count has_data failed circle_name />
            {card}
        </div>
    }
}
