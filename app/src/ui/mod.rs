//! The browser client: a full-screen Leaflet map of one 便民生活圈 with category chips, a
//! legend, an outlet card, and a second map for 小修小补 repair points; walking rings around an
//! origin, a walking-time filter and a bottom sheet listing the outlets nearest first.
//!
//! Data flow: five small API calls (config, rules, circles, outlets, the prebuilt walk graph)
//! and the basemap load in parallel; the device position is asked for once. The URL holds the
//! view, chip, walking minutes and origin; everything shown derives from those signals. Each
//! origin costs one search in Wasm (`walking::WalkNet::meters`): every outlet's walk; then the
//! rings, each in a task of its own (`ring_of`). Without the graph the map still works, with "步行距离未知". With one category chosen,
//! its coverage gaps can be drawn too (`gaps::GapView`, one multi-source search in Wasm).

pub mod api;
pub mod basemap;
mod bench;
mod card;
mod chips;
mod cluster;
mod filter;
mod gaps;
pub mod hours;
pub mod i18n;
pub mod leaflet_ext;
mod legend;
pub mod locate;
pub mod map;
pub mod markers;
pub mod offline;
mod open_text;
mod origin;
mod outlet_layer;
pub mod route;
mod search_box;
pub mod settings;
mod sheet;
mod status;
pub mod storage;
mod tabs;
pub mod walking;

use crate::domain::{
    open_state, Circle, ClientConfig, OpenState, Query, Rules, SearchTerms, StoredOutlet,
};
use crate::walk::{SnapError, SnapIndex};
use api::LoadError;
use card::{display_name, CardHours, OutletCard};
use chips::Chips;
use filter::{
    category_badge, effective_filter, kind_badge, legend, marker_badge, search_texts, shows, Badge,
};
use gaps::{GapControl, GapView};
use i18n::{tr, trf};
use legend::Legend;
use leptos::html;
use leptos::prelude::*;
use locate::{locate, Located};
use map::{MapView, RingShape};
use markers::{marker_spec, MarkerSpec};
use origin::{CentreWhy, Origin, OriginKind};
use route::{round6, Route, View};
use sheet::{OriginLine, Row, Sheet, WalkStatus};
use status::{Notice, StatusOverlay};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;
use tabs::Tabs;
use walking::{limit_m, walk_seconds, walk_text, WalkNet, Walks};

/// Everything the maps need besides the basemap.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    pub config: ClientConfig,
    pub rules: Rules,
    /// The first circle the server lists (one circle per deployment for now).
    pub circle: Option<Circle>,
    pub outlets: Vec<StoredOutlet>,
    /// Pinyin readings for search (empty if the server could not send them).
    pub terms: SearchTerms,
}

pub fn mount() {
    // Panic messages in the console while developing; the release bundle saves the bytes.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    i18n::init();
    // A task after the one that compiled and started the Wasm: on a slow phone each is long
    // enough on its own (see `Later` in App for the second half of the page).
    set_timeout(
        || {
            leptos::mount::mount_to_body(App);
            // The app now covers the loading screen from index.html; screen readers skip it
            // from here.
            if let Some(splash) = document().get_element_by_id("splash") {
                let _ = splash.set_attribute("aria-hidden", "true");
            }
        },
        Duration::ZERO,
    );
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
    let top = [".sample-badge", ".notices"]
        .iter()
        .filter_map(|s| rect(s))
        .filter(|r| r.height() > 0.0)
        .map(|r| r.bottom() - map.top())
        .fold(0.0, f64::max);
    let bottom = [".card", ".sheet"]
        .iter()
        .filter_map(|s| rect(s))
        .filter(|r| r.height() > 0.0)
        .map(|r| r.top() - map.top())
        .fold(map.height(), f64::min);
    (top, bottom)
}

fn refetch_failed<T: 'static>(resource: LocalResource<Result<T, LoadError>>) {
    if resource.with_untracked(|v| matches!(v, Some(Err(_)))) {
        resource.refetch();
    }
}

/// The walking engine's state: the graph is loading, ready (built for this data), or failed.
#[derive(Clone)]
enum WalkState {
    Loading,
    Ready(Rc<WalkNet>, Arc<Data>),
    Failed,
}

impl WalkState {
    fn net(&self) -> Option<Rc<WalkNet>> {
        match self {
            WalkState::Ready(n, _) => Some(n.clone()),
            _ => None,
        }
    }
}

/// Seconds to wait for the device position before the centre stands in for good.
const LOCATE_TIMEOUT_MS: u32 = 6000;

/// What the filter chip is called in an empty-result sentence: "药店", "修鞋", or "网点".
fn chosen_thing(rules: &Rules, route: &Route) -> String {
    match (route.view, effective_filter(rules, route)) {
        (View::Circle, Some(code)) => category_badge(rules, code).name,
        (View::Repair, Some(code)) => {
            let kind = kind_badge(rules, code).name;
            trf!("{kind}的地方", "place for {kind}")
        }
        (View::Repair, None) => tr("小修小补网点", "repair point").to_string(),
        (View::Circle, None) => tr("网点", "outlet").to_string(),
    }
}

#[component]
fn App() -> impl IntoView {
    // One resource for the four requests the map cannot do without (fewer resources, less Wasm).
    let core = LocalResource::new(api::core);
    let basemap = LocalResource::new(api::basemap);
    let graph = LocalResource::new(api::graph);
    // The phone's clock, every half minute, so "open now" moves with time; the hours are asked
    // for around the phone's own date (again when the date changes).
    let clock = RwSignal::new(open_text::now_s());
    let _ = set_interval_with_handle(
        move || clock.set(open_text::now_s()),
        Duration::from_secs(30),
    );
    let today = Memo::new(move |_| open_text::local_date(clock.get()));
    let hours = LocalResource::new(move || api::hours(today.get()));

    // None while loading; an error as soon as any request failed. The walk graph is not part of
    // it: without the graph the map still works.
    let data = Memo::new(move |_| -> Option<Result<Arc<Data>, LoadError>> {
        core.get().map(|c| c.map(Arc::new))
    });
    let ready_data = move || data.get().and_then(Result::ok);
    let rules = Memo::new(move |_| ready_data().map(|d| d.rules.clone()));
    // What a search looks through, per outlet (same order as the data).
    let outlet_texts = Memo::new(move |_| -> Arc<Vec<Vec<String>>> {
        Arc::new(ready_data().map_or_else(Vec::new, |d| {
            d.outlets
                .iter()
                .map(|o| search_texts(&d.rules, &o.outlet))
                .collect()
        }))
    });
    // Open now, from the server's intervals and the phone's clock; the flag says the server
    // could not read the hours text.
    let open_of = move |o: &StoredOutlet| -> (OpenState, bool) {
        let now = clock.get();
        let soon = rules.with(|r| r.as_ref().map_or(30 * 60, |r| r.hours.closes_soon_s()));
        hours.with(|h| {
            let entry = h
                .as_ref()
                .and_then(|h| h.as_ref().ok())
                .and_then(|h| h.outlets.get(&o.id));
            match entry {
                Some(e) => match e.schedule() {
                    Some(s) => (open_state(Some(&s), now, soon), false),
                    None => (OpenState::Unknown, e.error.is_some()),
                },
                None if o.outlet.open_24h => (OpenState::Open { closes_at: None }, false),
                None => (OpenState::Unknown, false),
            }
        })
    };
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
        refetch_failed(core);
        refetch_failed(basemap);
    };

    let online = offline::online_signal(move || {
        retry();
        if hours.with_untracked(|h| matches!(h, Some(Err(_)))) {
            hours.refetch();
        }
    });
    let route = RwSignal::new(route::current());
    let _ = window_event_listener(leptos::ev::popstate, move |_| route.set(route::current()));
    let selected = RwSignal::new(None::<i64>);
    let legend_open = RwSignal::new(false);
    let sheet_open = RwSignal::new(false);
    // A row's card hides the list; closing the card brings the list back.
    let reopen_list = StoredValue::new(false);

    // ---- Walking: graph, origin, one query per origin ----------------------------------
    // Elderly mode walks slower: every minute shown, ring and filter follows the speed.
    let elderly = settings::elderly_mode();
    let speed = Memo::new(move |_| {
        let slow = elderly.get();
        rules.with(|r| r.as_ref().map(|r| r.walking_speed_mps(slow) as f32))
    });
    let choices = Memo::new(move |_| {
        rules.with(|r| {
            let mut c = r
                .as_ref()
                .map(|r| r.walking.minute_choices.clone())
                .unwrap_or_default();
            c.sort_unstable();
            c
        })
    });
    let walk = RwSignal::new_local(WalkState::Loading);
    let origin = RwSignal::new(None::<Origin>);
    let walks = RwSignal::new(None::<Arc<Walks>>);
    // The walking rings around the origin, smallest first, added one task at a time (apart
    // from `walks`, so each ring does not rebuild the list).
    let rings = RwSignal::new(Vec::<walking::Ring>::new());
    let rings_due = StoredValue::new(0usize);
    let last_query_ms = StoredValue::new(0.0f64);
    let located = RwSignal::new(None::<Located>);
    let want_device = StoredValue::new(false);
    let toast = RwSignal::new(None::<String>);
    let toast_gen = StoredValue::new(0u32);
    let say = move |text: String| {
        toast.set(Some(text));
        toast_gen.update_value(|g| *g += 1);
        let gen = toast_gen.get_value();
        set_timeout(
            move || {
                if toast_gen.get_value() == gen {
                    toast.set(None);
                }
            },
            Duration::from_secs(6),
        );
    };

    // Ask for the device position once, at once (unless a link says where to start).
    if route.with_untracked(|r| r.from.is_none()) {
        located.set(Some(Located::Pending));
        locate(LOCATE_TIMEOUT_MS, move |l| located.set(Some(l)));
    }

    // Graph + snapping index + every outlet snapped, once the data and the bytes are here.
    let install = move |net: WalkNet, d: Arc<Data>| {
        let net = Rc::new(net);
        bench::install(net.clone(), move || bench::BenchInput {
            origin: origin.with_untracked(|o| o.map(|o| (o.snap, o.point))),
            speed_mps: speed.get_untracked().unwrap_or(1.25),
            buffer_m: rules
                .with_untracked(|r| r.as_ref().map_or(40.0, |r| r.walking.ring_buffer_m)),
            minute_choices: choices.get_untracked(),
            last_query_ms: last_query_ms.get_value(),
        });
        walk.set(WalkState::Ready(net, d));
    };
    // In three tasks (decode, index, snap the outlets), each short enough not to hold up a tap,
    // and a fourth for what walking being ready sets off.
    let build_walk = move |d: Arc<Data>| {
        let built_for_this = walk.with_untracked(|w| match w {
            WalkState::Ready(_, for_data) => Arc::ptr_eq(for_data, &d),
            WalkState::Failed => true,
            WalkState::Loading => false,
        });
        if built_for_this {
            return;
        }
        let t0 = api::now_ms();
        let Some(decoded) = graph.with_untracked(|g| {
            g.as_ref().map(|g| {
                g.as_ref().ok().map(|g| {
                    let net = WalkNet::decode(&g.bytes);
                    (net, g.bytes.len(), g.fetch_ms, g.wire_bytes)
                })
            })
        }) else {
            return;
        };
        let (g, graph_bytes, fetch_ms, wire_bytes) = match decoded {
            Some((Ok(g), n, fetch, wire)) if g.edge_count() > 0 => (g, n, fetch, wire),
            Some((Err(e), ..)) => {
                leptos::logging::warn!("walk graph: {e}");
                walk.set(WalkState::Failed);
                return;
            }
            _ => {
                walk.set(WalkState::Failed);
                return;
            }
        };
        let decode_ms = api::now_ms() - t0;
        set_timeout(
            move || {
                let t1 = api::now_ms();
                let index = SnapIndex::new(g);
                let index_ms = api::now_ms() - t1;
                set_timeout(
                    move || {
                        let t2 = api::now_ms();
                        let mut net =
                            WalkNet::assemble(g, index, &d.outlets, d.rules.walking.max_snap_m);
                        let snaps_ms = api::now_ms() - t2;
                        net.stats = walking::LoadStats {
                            graph_bytes,
                            wire_bytes,
                            fetch_ms,
                            ready_ms: decode_ms + index_ms + snaps_ms,
                            decode_ms,
                            index_ms,
                            snaps_ms,
                        };
                        // What follows from walking being ready (the origin, the walks, the
                        // list) in the task after the snapping.
                        set_timeout(move || install(net, d), Duration::ZERO);
                    },
                    Duration::ZERO,
                );
            },
            Duration::ZERO,
        );
    };
    Effect::new(move |_| {
        let Some(d) = ready_data() else { return };
        if graph.with(Option::is_none) {
            return;
        }
        // A task of its own (see the basemap): the biggest step after loading.
        set_timeout(move || build_walk(d), Duration::ZERO);
    });
    // The map has started (walking ready, or known not to be): index.html may now install the
    // service worker, whose first install re-reads every file and would slow the start.
    let announced = StoredValue::new(false);
    Effect::new(move |_| {
        if walk.with(|w| matches!(w, WalkState::Loading)) || announced.get_value() {
            return;
        }
        announced.set_value(true);
        set_timeout(
            || {
                if let Some(w) = web_sys::window() {
                    if let Ok(e) = web_sys::Event::new("bianmin:ready") {
                        let _ = w.dispatch_event(&e);
                    }
                }
            },
            Duration::from_millis(500),
        );
    });

    // Only a chosen point goes into the URL (a tap, or a link's): the device position stays out
    // of links a resident shares, and the centre and the device are found again on reload.
    let set_origin = move |o: Origin| {
        origin.set(Some(o));
        let chosen = matches!(o.kind, OriginKind::Tap | OriginKind::Link);
        route::set(
            route,
            route.with_untracked(|r| r.with_from(chosen.then_some(o.point))),
            false,
        );
    };
    let centre = move |net: &WalkNet, d: &Data, why: CentreWhy| -> Option<Origin> {
        let point = round6(
            d.circle
                .as_ref()
                .map_or_else(|| net.graph.lonlat(0), |c| c.centre),
        );
        // A centre off the streets still starts at the nearest street.
        let snap = net
            .snap(point, d.rules.walking.max_snap_m)
            .or_else(|_| net.snap(point, f64::INFINITY))
            .ok()?;
        Some(Origin {
            kind: OriginKind::Centre(why),
            point,
            snap,
        })
    };

    // Choose the origin: a link's point, else the device, else the centre (at once, so the map
    // never waits for a permission prompt; the device replaces it when it answers).
    Effect::new(move |_| {
        let Some(net) = walk.with(WalkState::net) else {
            return;
        };
        let Some(d) = ready_data() else { return };
        let loc = located.get();
        let current = origin.get_untracked();
        let max = d.rules.walking.max_snap_m;
        if current.is_none() {
            if let Some(p) = route.with_untracked(|r| r.from) {
                let o = match net.snap(p, max) {
                    Ok(snap) => Some(Origin {
                        kind: OriginKind::Link,
                        point: p,
                        snap,
                    }),
                    Err(_) => centre(&net, &d, CentreWhy::BadLink),
                };
                if let Some(o) = o {
                    set_origin(o);
                }
                return;
            }
        }
        let wanted = want_device.get_value();
        let stand_in = current.is_none_or(|o| {
            matches!(
                o.kind,
                OriginKind::Centre(CentreWhy::Locating | CentreWhy::NoPosition)
            )
        });
        let next = match loc {
            Some(Located::Found(p)) if wanted || stand_in => {
                want_device.set_value(false);
                let p = round6(p);
                match net.snap(p, max) {
                    Ok(snap) => Some(Origin {
                        kind: OriginKind::Device,
                        point: p,
                        snap,
                    }),
                    Err(_) if stand_in => centre(&net, &d, CentreWhy::Outside),
                    Err(_) => {
                        say(origin::outside_text().to_string());
                        None
                    }
                }
            }
            Some(Located::Failed(e)) => {
                if wanted {
                    want_device.set_value(false);
                    say(origin::locate_failed_text(e).to_string());
                }
                stand_in
                    .then(|| centre(&net, &d, CentreWhy::NoPosition))
                    .flatten()
            }
            Some(Located::Pending) if current.is_none() => centre(&net, &d, CentreWhy::Locating),
            None if current.is_none() => centre(&net, &d, CentreWhy::NoPosition),
            _ => None,
        };
        if let Some(o) = next.filter(|o| Some(*o) != current) {
            set_origin(o);
        }
    });
    // Back/forward to a URL with another `from`: walk from there.
    Effect::new(move |_| {
        let Some(p) = route.with(|r| r.from) else {
            return;
        };
        let Some(net) = walk.with_untracked(WalkState::net) else {
            return;
        };
        let Some(cur) = origin.get_untracked() else {
            return;
        };
        if cur.point == p {
            return;
        }
        let max = rules.with_untracked(|r| r.as_ref().map_or(300.0, |r| r.walking.max_snap_m));
        if let Ok(snap) = net.snap(p, max) {
            origin.set(Some(Origin {
                kind: OriginKind::Link,
                point: p,
                snap,
            }));
        }
    });
    let use_location = Callback::new(move |_| {
        want_device.set_value(true);
        located.set(Some(Located::Pending));
        locate(LOCATE_TIMEOUT_MS, move |l| located.set(Some(l)));
    });

    // One query per origin: every outlet's walk, and the rings.
    Effect::new(move |_| {
        let Some(o) = origin.get() else { return };
        let Some(net) = walk.with(WalkState::net) else {
            return;
        };
        let speed_signal = speed;
        let Some(speed) = speed.get() else { return };
        let Some((minutes, buffer)) = rules.with(|r| {
            r.as_ref()
                .map(|r| (r.walking.minute_choices.clone(), r.walking.ring_buffer_m))
        }) else {
            return;
        };
        let limits: Vec<(u32, f32)> = minutes.iter().map(|&m| (m, limit_m(m, speed))).collect();
        // In its own task, apart from building the net and drawing: short tasks keep taps quick.
        // Then each ring in a task of its own (a ring's polygon is the costly part). A newer
        // origin or speed by then makes the rest moot.
        let current = move || {
            origin.get_untracked() == Some(o) && speed_signal.get_untracked() == Some(speed)
        };
        set_timeout(
            move || {
                if !current() {
                    return;
                }
                let t0 = api::now_ms();
                let meters = net.meters(&o.snap);
                last_query_ms.set_value(api::now_ms() - t0);
                rings_due.set_value(limits.len());
                rings.set(Vec::new());
                walks.set(Some(Arc::new(Walks { meters })));
                for &(m, limit) in &limits {
                    let net = net.clone();
                    set_timeout(
                        move || {
                            if !current() {
                                return;
                            }
                            let t0 = api::now_ms();
                            let ring = net.ring_of(&o.snap, m, limit, buffer);
                            last_query_ms.update_value(|t| *t += api::now_ms() - t0);
                            rings.update(|r| r.push(ring));
                        },
                        Duration::ZERO,
                    );
                }
            },
            Duration::ZERO,
        );
    });

    let walk_status = Signal::derive(move || {
        if walk.with(|w| matches!(w, WalkState::Failed)) {
            WalkStatus::Failed
        } else if walks.with(Option::is_some) {
            WalkStatus::Ready
        } else {
            WalkStatus::Loading
        }
    });
    // The walking filter, if the rules know its minutes.
    let minutes = Memo::new(move |_| {
        let m = route.with(|r| r.minutes)?;
        choices.with(|c| c.contains(&m)).then_some(m)
    });
    let set_minutes = Callback::new(move |m: Option<u32>| {
        route::set(route, route.with_untracked(|r| r.with_minutes(m)), false);
    });

    // Indices of the outlets the current view, chip and walking filter show.
    let shown = Memo::new(move |_| {
        let r = route.get();
        let limit = minutes.get().zip(speed.get()).map(|(m, s)| limit_m(m, s));
        let query = Query::new(&r.query);
        let texts = outlet_texts.get();
        ready_data().map_or_else(Vec::new, |d| {
            walks.with(|w| {
                (0..d.outlets.len())
                    .filter(|&i| shows(&d.rules, &r, &d.outlets[i].outlet))
                    .filter(|&i| {
                        query.is_empty()
                            || query.matches_any(texts[i].iter().map(String::as_str), &d.terms)
                    })
                    .filter(|&i| match (limit, w) {
                        (Some(l), Some(w)) => w.meters[i] <= l,
                        _ => true,
                    })
                    .collect::<Vec<_>>()
            })
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
    // The list: what is shown, nearest first, unknown walks last.
    let rows = Memo::new(move |_| -> Vec<Row> {
        let Some(d) = ready_data() else {
            return Vec::new();
        };
        let r = route.get();
        let speed = speed.get().unwrap_or(1.25);
        walks.with(|w| {
            let meters = |i: usize| w.as_ref().map_or(f32::INFINITY, |w| w.meters[i]);
            let mut order = shown.get();
            order.sort_by(|&a, &b| {
                meters(a)
                    .total_cmp(&meters(b))
                    .then(d.outlets[a].id.cmp(&d.outlets[b].id))
            });
            order
                .into_iter()
                .map(|i| {
                    let o = &d.outlets[i];
                    let m = meters(i);
                    let category = if r.view == View::Repair && !o.outlet.repair_kinds.is_empty() {
                        o.outlet
                            .repair_kinds
                            .iter()
                            .map(|k| kind_badge(&d.rules, k).name)
                            .collect::<Vec<_>>()
                            .join("、")
                    } else {
                        category_badge(&d.rules, &o.outlet.category).name
                    };
                    let (state, _) = open_of(o);
                    let look = open_text::look(state, clock.get(), open_text::device_local);
                    let badge_text = if !o.outlet.prices.is_empty() {
                        Some(tr("明码标价", "Prices listed"))
                    } else if o.outlet.open_24h {
                        Some(tr("24小时", "24 h"))
                    } else {
                        None
                    };
                    Row {
                        open: (!look.short.is_empty())
                            .then_some((look.code, look.icon, look.short)),
                        badge_text,
                        id: o.id,
                        badge: marker_badge(&d.rules, &r, &o.outlet),
                        name: display_name(&d.rules, o),
                        category,
                        seconds: walk_seconds(m, speed),
                        meters: m.is_finite().then(|| m.round() as u32),
                        walk: walk_text(m, speed),
                    }
                })
                .collect()
        })
    });

    // A code the rules do not know (an old link) falls back to "all", in the URL too; so do
    // walking minutes the rules do not offer.
    Effect::new(move |_| {
        let Some(rules) = rules.get() else { return };
        let r = route.get();
        let bad_filter = r.filter.is_some() && filter::effective_filter(&rules, &r).is_none();
        let bad_minutes = r
            .minutes
            .is_some_and(|m| !rules.walking.minute_choices.contains(&m));
        if bad_filter || bad_minutes {
            let mut next = r.clone();
            if bad_filter {
                next.filter = None;
                next.gaps = false;
            }
            if bad_minutes {
                next.minutes = None;
            }
            route::set(route, next, false);
        }
    });
    // ---- Coverage gaps of the chosen category (circle map only) ------------------------
    let gap_code = Memo::new(move |_| {
        rules.with(|r| {
            let r = r.as_ref()?;
            route.with(|rt| {
                (rt.view == View::Circle)
                    .then(|| effective_filter(r, rt))
                    .flatten()
                    .map(str::to_string)
            })
        })
    });
    let gap_available = Signal::derive(move || {
        gap_code.with(Option::is_some) && walk.with(|w| matches!(w, WalkState::Ready(..)))
    });
    let gaps_on = Signal::derive(move || gap_available.get() && route.with(|r| r.gaps));
    let gap_view = RwSignal::new(None::<GapView>);
    Effect::new(move |_| {
        let code = gap_code.get().filter(|_| gaps_on.get());
        let (Some(code), Some(net), Some(d), Some(speed)) =
            (code, walk.with(WalkState::net), ready_data(), speed.get())
        else {
            gap_view.set(None);
            return;
        };
        if gap_view.with_untracked(|g| g.as_ref().is_some_and(|g| g.code == code)) {
            return;
        }
        let minutes = d.rules.ring_minutes(&code);
        let t0 = api::now_ms();
        let of_category = d
            .outlets
            .iter()
            .enumerate()
            .filter(|(_, o)| o.outlet.category == code)
            .map(|(i, _)| i);
        let gaps = net.gaps(of_category, limit_m(minutes, speed));
        let name = category_badge(&d.rules, &code).name;
        let mut view = GapView::new(&net, &gaps, &code, &name, minutes);
        view.ms = api::now_ms() - t0;
        gap_view.set(Some(view));
    });
    let set_gaps = Callback::new(move |on: bool| {
        route::set(route, route.with_untracked(|r| r.with_gaps(on)), false);
    });

    // A new view or chip closes the card of the previous choice.
    let view_and_chip = Memo::new(move |_| route.with(|r| (r.view, r.filter.clone())));
    Effect::new(move |_| {
        view_and_chip.track();
        selected.set(None);
    });
    let close_card = move || {
        selected.set(None);
        if reopen_list.get_value() {
            reopen_list.set_value(false);
            sheet_open.set(true);
        }
    };

    let map_ref = NodeRef::<html::Div>::new();
    let map_view = RwSignal::new_local(None::<Rc<MapView>>);
    let basemap_drawn = RwSignal::new(false);
    let markers_drawn = RwSignal::new(false);
    let marker_gen = StoredValue::new(0u32);
    let rings_drawn = RwSignal::new(false);

    // A tap on the map first closes what is open; otherwise it moves the origin there.
    let on_map_tap = move |p: [f64; 2]| {
        if selected.get_untracked().is_some() {
            close_card();
            return;
        }
        if legend_open.get_untracked() {
            legend_open.set(false);
            return;
        }
        if sheet_open.get_untracked() {
            sheet_open.set(false);
            return;
        }
        let Some(net) = walk.with_untracked(WalkState::net) else {
            if walk.with_untracked(|w| matches!(w, WalkState::Failed)) {
                say(tr(
                    "暂时无法计算步行时间，不能换起点",
                    "Walking times are unavailable, so the start cannot change",
                )
                .to_string());
            }
            return;
        };
        let max = rules.with_untracked(|r| r.as_ref().map_or(300.0, |r| r.walking.max_snap_m));
        let point = round6(p);
        match net.snap(point, max) {
            Ok(snap) => {
                toast.set(None);
                set_origin(Origin {
                    kind: OriginKind::Tap,
                    point,
                    snap,
                });
            }
            Err(SnapError::TooFar { meters, .. }) => say(origin::off_network_text(meters)),
            Err(SnapError::NoStreets) => say(tr(
                "这里没有街道数据，起点没有变",
                "No street data here. The start is unchanged",
            )
            .to_string()),
        }
    };

    // Set once the map is being made (it is handed to `map_view` a task later).
    let map_made = StoredValue::new(false);
    Effect::new(move |_| {
        let (Some(el), Some(d)) = (map_ref.get(), ready_data()) else {
            return;
        };
        if map_made.get_value() {
            return;
        }
        map_made.set_value(true);
        // The map in a task of its own, after the page around it has been drawn; what draws on
        // it (markers, rings) starts in the task after that, so neither is long on a slow phone.
        set_timeout(
            move || {
                let mv = MapView::new(
                    &el,
                    d.circle.as_ref(),
                    move |id| selected.set(id),
                    on_map_tap,
                );
                if let Some(c) = &d.circle {
                    mv.draw_circle(c);
                }
                if let Some(url) = &d.config.tile_url {
                    mv.add_tiles(url, d.config.tile_attribution.as_deref());
                    basemap_drawn.set(true);
                }
                let mv = Rc::new(mv);
                set_timeout(move || map_view.set(Some(mv)), Duration::ZERO);
            },
            Duration::ZERO,
        );
    });
    Effect::new(move |_| {
        let Some(mv) = map_view.get() else { return };
        if basemap_drawn.get_untracked() {
            return;
        }
        let Some(data) = basemap.with(|b| b.as_ref().and_then(|b| b.as_ref().ok().cloned())) else {
            return;
        };
        // Drawn piece by piece in tasks of their own, so the phone never stalls on drawing
        // streets (long tasks make taps wait), starting after the task that made the map and
        // its markers; a second call draws nothing.
        set_timeout(
            move || mv.draw_basemap(&data, move || basemap_drawn.set(true)),
            Duration::ZERO,
        );
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
        // Markers in a task of their own too; only the latest set is drawn.
        marker_gen.update_value(|g| *g += 1);
        let gen = marker_gen.get_value();
        set_timeout(
            move || {
                if marker_gen.get_value() == gen {
                    mv.set_outlets(specs);
                    markers_drawn.set(true);
                }
            },
            Duration::ZERO,
        );
    });
    // The rings and the origin pin.
    Effect::new(move |_| {
        let Some(mv) = map_view.get() else { return };
        let o = origin.get();
        rings.with(|rs| {
            let shapes: Vec<RingShape> = rs.iter().map(RingShape::from).collect();
            mv.set_rings(&shapes);
            mv.set_origin(o.map(|o| (o.point, o.kind.pin(), o.kind.code())));
            if walks.with(Option::is_some) && rs.len() == rings_due.get_value() {
                rings_drawn.set(true);
            }
        });
    });
    Effect::new(move |_| {
        let Some(mv) = map_view.get() else { return };
        gap_view.with(|g| mv.set_gaps(g.as_ref().map(|g| g.geojson.as_str())));
    });
    Effect::new(move |_| {
        if let Some(mv) = map_view.get() {
            mv.set_walk_minutes(minutes.get().filter(|_| walks.with(Option::is_some)));
        }
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

    // The in-app walking route (the navigation fallback): drawn on request, gone with the card
    // or a new origin.
    let route_for = RwSignal::new(None::<i64>);
    let route_text = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        origin.track();
        route_for.set(None);
    });
    Effect::new(move |_| {
        if let Some(id) = selected.get() {
            if route_for.get_untracked().is_some_and(|r| r != id) {
                route_for.set(None);
            }
        }
    });
    Effect::new(move |_| {
        let Some(mv) = map_view.get() else { return };
        let Some(id) = route_for.get() else {
            route_text.set(None);
            mv.clear_route();
            return;
        };
        let (Some(net), Some(d), Some(o)) = (
            walk.with_untracked(WalkState::net),
            ready_data(),
            origin.get_untracked(),
        ) else {
            return;
        };
        let Some(i) = d.outlets.iter().position(|x| x.id == id) else {
            return;
        };
        match net.route(o.point, &o.snap, i) {
            Some(r) => {
                let name = display_name(&d.rules, &d.outlets[i]);
                let walk = walk_text(r.metres, speed.get_untracked().unwrap_or(1.25));
                route_text.set(Some(trf!(
                    "步行路线：到{name} · {walk}",
                    "Walking route to {name} · {walk}"
                )));
                // After the card has gone, so the route fits the map the resident sees.
                request_animation_frame(move || {
                    let (top, bottom) = visible_band();
                    mv.set_route(&r.points, top, bottom);
                });
            }
            None => say(tr(
                "从起点沿街道走不到这里",
                "No street path from the start to here",
            )
            .to_string()),
        }
    });

    let card = move || {
        let id = selected.get()?;
        let d = ready_data()?;
        let i = d.outlets.iter().position(|o| o.id == id)?;
        let outlet = d.outlets[i].clone();
        hours.track();
        let (state, unreadable) = untrack(|| open_of(&outlet));
        let card_hours = CardHours {
            text: outlet
                .outlet
                .opening_hours
                .as_deref()
                .map(hours::hours_text),
            look: open_text::look(state, clock.get_untracked(), open_text::device_local),
            unreadable,
        };
        let can_route = origin.with(Option::is_some)
            && walk.with(|w| {
                w.net()
                    .is_some_and(|n| n.outlet_snaps.get(i).is_some_and(Option::is_some))
            });
        // The card closes so the whole route shows; a notice names it until closed.
        let on_route = can_route.then(|| {
            Callback::new(move |_| {
                route_for.set(Some(id));
                selected.set(None);
            })
        });
        let badge = marker_badge(&d.rules, &route.get_untracked(), &outlet.outlet);
        let speed = speed.get_untracked().unwrap_or(1.25);
        let (walk, from) = walks.with_untracked(|w| match w {
            Some(w) => (
                walk_text(w.meters[i], speed),
                origin.get_untracked().map(|o| o.kind.label().to_string()),
            ),
            None => (walking::unknown().to_string(), None),
        });
        Some(view! {
            <OutletCard
                outlet
                badge
                walk
                origin=from
                hours=card_hours
                on_route
                rules=d.rules.clone()
                on_close=move |_| close_card()
            />
        })
    };
    let count = Signal::derive(move || shown.with(Vec::len));
    let circle = Signal::derive(move || {
        ready_data().and_then(|d| {
            d.circle.as_ref().map(|c| sheet::CircleLine {
                id: c.id.clone(),
                name: i18n::pick(&c.name_zh, &c.name_en).to_string(),
            })
        })
    });
    let loading = Signal::derive(move || data.with(Option::is_none));
    let has_data = Signal::derive(move || ready_data().is_some());
    let failed = Signal::derive(move || load_error.get().is_some());
    let show_all = Callback::new(move |_| {
        route::set(route, route.with_untracked(|r| r.with_filter(None)), false);
    });

    // Empty walking filter: what to say, and the wider choice to offer.
    let largest = move || choices.with(|c| c.last().copied());
    let walk_empty = Signal::derive(move || {
        let m = minutes.get()?;
        if walk_status.get() != WalkStatus::Ready {
            return None;
        }
        let what = rules.with(|r| r.as_ref().map(|r| route.with(|rt| chosen_thing(r, rt))))?;
        let action = match largest() {
            Some(l) if l > m => trf!("试试{l}分钟", "try {l} min"),
            _ => tr("不限步行时间", "any walking time").to_string(),
        };
        Some((
            trf!(
                "附近{m}分钟内没有找到{what}",
                "No {what} within a {m}-minute walk"
            ),
            action,
        ))
    });
    let widen = Callback::new(move |_| {
        let m = minutes.get_untracked();
        set_minutes.run(largest().filter(|&l| m.is_some_and(|m| l > m)));
    });
    let search_empty = Signal::derive(move || {
        let q = route.with(|r| r.query.trim().to_string());
        (!q.is_empty()).then(|| trf!("没有找到与“{q}”有关的网点", "Nothing found for “{q}”"))
    });
    let clear_search = Callback::new(move |_| {
        route::set(route, route.with_untracked(|r| r.with_query("")), false);
    });
    let empty_text = Signal::derive(move || {
        search_empty
            .get()
            .or_else(|| {
                walk_empty
                    .get()
                    .map(|(text, action)| format!("{text}{sep}{action}", sep = tr("，", "; ")))
            })
            .or_else(|| {
                route.with(|r| r.filter.is_some()).then(|| {
                    tr(
                        "这个类别附近还没有网点",
                        "No outlets of this kind nearby yet",
                    )
                    .to_string()
                })
            })
    });
    let origin_line = Signal::derive(move || {
        origin.get().map(|o| OriginLine {
            label: o.kind.label().to_string(),
            kind: o.kind.code(),
            lonlat: route::lonlat_text(o.point),
        })
    });
    // The centre notice, until the resident closes it (a new reason shows again).
    let notice_closed_for = RwSignal::new(None::<OriginKind>);
    let origin_notice = Signal::derive(move || {
        let kind = origin.get()?.kind;
        if notice_closed_for.get() == Some(kind) {
            return None;
        }
        kind.notice().map(str::to_string)
    });
    let ring_minutes = Signal::derive(move || {
        rings.with(|rs| {
            let mut m: Vec<u32> = rs.iter().map(|r| r.minutes).collect();
            m.sort_unstable();
            m
        })
    });
    let origin_pin = Signal::derive(move || origin.get().map(|o| o.kind.pin()));
    let walk_settled = move || match walk_status.get() {
        WalkStatus::Failed => true,
        WalkStatus::Ready => rings_drawn.get(),
        WalkStatus::Loading => false,
    };

    // The second half of the page (list, legend) is built in the next task.
    let later = RwSignal::new(false);
    set_timeout(move || later.set(true), Duration::ZERO);
    view! {
        <div class="app">
            <header class="top">
                <div class="top-row">
                    <Tabs route />
                    <settings::SettingsButtons elderly />
                </div>
                <search_box::SearchBox route on_submit=move |_| sheet_open.set(true) />
                <Chips route rules=rules.into() />
            </header>
            <main class="map-wrap">
                <div id="map" node_ref=map_ref aria-label=tr("生活圈地图", "Map of the convenience circle")></div>
                <Show when=move || any_sample.get()>
                    <p class="sample-badge" data-testid="sample-badge" role="note">
                        <strong>{tr("示例数据", "Sample data")}</strong>
                        {tr(" · 网点为演示生成，非真实商户", " · generated outlets, not real businesses")}
                    </p>
                </Show>
                // Overlays over the map (nothing around them moves when they appear): built in
                // the task after the header and the map.
                <Show when=move || later.get()>
                    <div class="notices" class:below-sample=move || any_sample.get()>
                        <offline::OfflineBanner online />
                        <Notice
                            text=Signal::derive(move || route_text.get())
                            testid="route-notice"
                            on_close=Callback::new(move |_| route_for.set(None))
                        />
                        <Notice
                            text=Signal::derive(move || toast.get())
                            testid="map-toast"
                            on_close=Callback::new(move |_| toast.set(None))
                        />
                        <Notice
                            text=origin_notice
                            testid="origin-notice"
                            on_close=Callback::new(move |_| {
                                notice_closed_for.set(origin.get_untracked().map(|o| o.kind))
                            })
                        />
                    </div>
                    <StatusOverlay
                        loading
                        error=load_error
                        has_data
                        count
                        filtered=Signal::derive(move || route.with(|r| r.filter.is_some()))
                        walk_empty
                        search_empty
                        on_clear_search=clear_search
                        on_retry=Callback::new(move |_| retry())
                        on_show_all=show_all
                        on_wider=widen
                    />
                    <GapControl
                        available=gap_available
                        on=gaps_on
                        view=gap_view.into()
                        on_toggle=set_gaps
                    />
                </Show>
                <Show when=move || later.get()>
                    <Legend rows=legend_rows.into() open=legend_open rings=ring_minutes origin=origin_pin />
                </Show>
                <Show when=move || basemap_drawn.get() && markers_drawn.get() && walk_settled()>
                    <span class="sr-only" data-testid="map-ready">{tr("地图已就绪", "Map ready")}</span>
                </Show>
            </main>
            // The list comes in the task after the header and the map (same height at once, so
            // nothing moves when it fills in).
            <Show
                when=move || later.get()
                fallback=|| view! { <section class="sheet" aria-hidden="true"></section> }
            >
            <Sheet
                expanded=sheet_open
                rows=rows.into()
                count
                has_data
                failed
                circle
                choices=choices.into()
                minutes=minutes.into()
                status=walk_status
                origin=origin_line
                empty=empty_text
                on_minutes=set_minutes
                on_use_location=use_location
                on_pick=Callback::new(move |id| {
                    reopen_list.set_value(sheet_open.get_untracked());
                    sheet_open.set(false);
                    selected.set(Some(id));
                })
            />
            </Show>
            {card}
        </div>
    }
}
