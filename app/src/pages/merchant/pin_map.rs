//! Where the shop is: the circle's map (basemap and outline) with a pin the merchant drags, or
//! moves with a tap, and the 5/10/15-minute walking rings around it so they see whom the shop
//! serves. The pin starts where the listing is, else at the device position when that is on
//! the map, else at the circle's centre. Without the street graph the pin still works.

use crate::domain::{Circle, Rules};
use crate::ui::api as map_api;
use crate::ui::i18n::tr;
use crate::ui::leaflet_ext::div_icon;
use crate::ui::locate::{locate, Located};
use crate::ui::map::{MapView, RingShape};
use crate::ui::walking::{limit_m, WalkNet};
use crate::walk::SnapIndex;
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leaflet::{DivIconOptions, Evented, LatLng, Marker, MarkerOptions, Point};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

const LOCATE_TIMEOUT_MS: u32 = 8_000;
/// Street level: the street names readable and the 5-minute ring in sight (zoom in for the door).
const PIN_ZOOM: f64 = 15.5;

/// Whether `p` is inside the circle's bounding box (the map keeps to it).
fn on_map(circle: &Circle, [lon, lat]: [f64; 2]) -> bool {
    let [w, s, e, n] = circle.bbox;
    (w..=e).contains(&lon) && (s..=n).contains(&lat)
}

fn round6([lon, lat]: [f64; 2]) -> [f64; 2] {
    crate::ui::route::round6([lon, lat])
}

type SharedBasemap = Shared<LocalBoxFuture<'static, Option<JsValue>>>;

thread_local! {
    /// The basemap, fetched and parsed once per page: the review queue shows a map per card.
    static BASEMAP: RefCell<Option<SharedBasemap>> = const { RefCell::new(None) };
}

fn basemap_once() -> SharedBasemap {
    BASEMAP.with(|b| {
        b.borrow_mut()
            .get_or_insert_with(|| {
                async { map_api::basemap().await.ok() }
                    .boxed_local()
                    .shared()
            })
            .clone()
    })
}

struct Drawn {
    view: MapView,
    pin: Marker,
    _on_drag: Closure<dyn Fn(JsValue)>,
}

/// `pin`: the position (read and written); `start_here`: ask the device first (a new
/// registration) or keep the stored position (the owner's page).
#[component]
pub fn PinMap(
    pin: Signal<Option<[f64; 2]>>,
    set_pin: Callback<[f64; 2]>,
    circle: Option<Arc<Circle>>,
    rules: Arc<Rules>,
    #[prop(optional)] readonly: bool,
) -> impl IntoView {
    let map_ref = NodeRef::<html::Div>::new();
    let drawn = RwSignal::new_local(None::<Rc<Drawn>>);
    let net = RwSignal::new_local(None::<Rc<WalkNet>>);
    // Where the pin came from (device, centre), and what the rings say (none without the graph,
    // none off the streets): two notes, as either can change alone.
    let note = RwSignal::new(None::<&'static str>);
    let ring_note = RwSignal::new(None::<&'static str>);
    let rings_ready = RwSignal::new(false);

    // The start: the stored pin; else the circle's centre at once, moved to the device
    // position when that arrives, is on this map and the merchant has not moved the pin yet.
    if pin.get_untracked().is_none() {
        if let Some(c) = circle.clone() {
            let centre = c.centre;
            set_pin.run(centre);
            if !readonly {
                note.set(Some(tr("正在获取您的位置…", "Finding your position…")));
                locate(LOCATE_TIMEOUT_MS, move |l| match l {
                    Located::Pending => {}
                    Located::Found(p) if on_map(&c, p) => {
                        if pin.get_untracked() == Some(centre) {
                            set_pin.run(round6(p));
                            note.set(Some(tr(
                                "图钉已放在您现在的位置；如不在店门口，请拖过去",
                                "The pin is at your position; drag it to the shop door if needed",
                            )));
                        } else {
                            note.set(None);
                        }
                    }
                    Located::Found(_) | Located::Failed(_) => {
                        if pin.get_untracked() == Some(centre) {
                            note.set(Some(tr(
                                "没有取得您在生活圈内的位置：图钉在生活圈中心，请拖到店门口，或点地图上的店门口",
                                "Your position is not available here: the pin is at the circle's centre; drag it or tap the shop door",
                            )));
                        } else {
                            note.set(None);
                        }
                    }
                });
            }
        }
    }

    // The map once its element is there.
    let circle_for_map = circle.clone();
    let max_snap = rules.walking.max_snap_m;
    Effect::new(move |_| {
        let Some(el) = map_ref.get() else { return };
        if drawn.with_untracked(Option::is_some) {
            return;
        }
        let el: web_sys::HtmlElement = el.into();
        let view = MapView::new(
            &el,
            circle_for_map.as_deref(),
            |_| {},
            move |p| {
                if !readonly {
                    note.set(None);
                    set_pin.run(round6(p));
                }
            },
        );
        if let Some(c) = circle_for_map.as_deref() {
            view.draw_circle(c);
        }
        let icon = DivIconOptions::new();
        icon.set_class_name("shop-pin-icon".into());
        icon.set_html(format!(
            "<div class=\"shop-pin\" data-testid=\"shop-pin\"><span class=\"shop-pin-label\">{}</span><span class=\"shop-pin-dot\"></span></div>",
            tr("店铺位置", "Shop")
        ));
        icon.set_icon_size(Point::new(96.0, 56.0));
        icon.set_icon_anchor(Point::new(48.0, 48.0));
        let opts = MarkerOptions::new();
        opts.set_icon(div_icon(&icon));
        opts.set_draggable(!readonly);
        opts.set_auto_pan(true);
        opts.set_keyboard(!readonly);
        opts.set_title(
            tr(
                "店铺位置：拖动图钉，或点地图上的店门口",
                "Shop position: drag the pin or tap the shop door on the map",
            )
            .into(),
        );
        opts.set_alt(tr("店铺位置图钉", "Shop position pin").into());
        let start = pin
            .get_untracked()
            .or_else(|| circle_for_map.as_ref().map(|c| c.centre))
            .unwrap_or([121.44, 31.245]);
        let marker = Marker::new_with_options(&LatLng::new(start[1], start[0]), &opts);
        marker.add_to(view.leaflet());
        // Close enough to see the shop's door and the street names, not the whole circle.
        view.leaflet()
            .set_view(&LatLng::new(start[1], start[0]), PIN_ZOOM);
        let m = marker.clone();
        let on_drag = Closure::<dyn Fn(JsValue)>::new(move |_| {
            let ll = m.get_lat_lng();
            note.set(None);
            set_pin.run(round6([ll.lng(), ll.lat()]));
        });
        marker
            .unchecked_ref::<Evented>()
            .on("dragend", on_drag.as_ref());
        drawn.set(Some(Rc::new(Drawn {
            view,
            pin: marker,
            _on_drag: on_drag,
        })));
        // The basemap and the street graph load after the map shows; either may fail alone.
        spawn_local(async move {
            if let Some(data) = basemap_once().await {
                if let Some(Some(d)) = drawn.try_get_untracked() {
                    d.view.draw_basemap(&data, || {});
                }
            }
        });
        if readonly {
            // A position to look at (the staff's review): no rings, no graph to load.
            return;
        }
        spawn_local(async move {
            let Ok(bytes) = map_api::graph().await else {
                ring_note.set(Some(tr(
                    "暂时无法显示步行范围，位置仍可照常放置",
                    "Walking rings are unavailable; the pin still works",
                )));
                return;
            };
            let Ok(graph) = WalkNet::decode(&bytes.bytes) else {
                return;
            };
            let index = SnapIndex::new(graph);
            net.set(Some(Rc::new(WalkNet::assemble(
                graph,
                index,
                &[],
                max_snap,
            ))));
        });
    });

    // When the map leaves the page (a decided review card, another tab), Leaflet lets go of
    // its handlers and animations first: they call closures that are dropped with the map.
    on_cleanup(move || {
        if let Some(Some(d)) = drawn.try_get_untracked() {
            let map = d.view.leaflet();
            if let Ok(remove) = js_sys::Reflect::get(map, &"remove".into()) {
                if let Ok(remove) = remove.dyn_into::<js_sys::Function>() {
                    let _ = remove.call0(map);
                }
            }
        }
    });

    // The pin and the rings follow the position.
    let rules_for_rings = rules.clone();
    Effect::new(move |_| {
        let Some(p) = pin.get() else { return };
        let Some(d) = drawn.get() else { return };
        let at = LatLng::new(p[1], p[0]);
        d.pin.set_lat_lng(&at);
        // A pin moved from outside (the device position) comes into view.
        if !d.view.leaflet().get_bounds().contains(&at) {
            d.view.leaflet().pan_to(&at);
        }
        let Some(n) = net.get() else { return };
        let w = &rules_for_rings.walking;
        let speed = rules_for_rings.walking_speed_mps(false) as f32;
        match n.snap(p, w.max_snap_m) {
            Ok(snap) => {
                let limits: Vec<(u32, f32)> = w
                    .minute_choices
                    .iter()
                    .map(|&m| (m, limit_m(m, speed)))
                    .collect();
                let rings: Vec<_> = limits
                    .iter()
                    .map(|&(m, limit)| n.ring_of(&snap, m, limit, w.ring_buffer_m))
                    .collect();
                let shapes: Vec<RingShape> = rings.iter().map(RingShape::from).collect();
                d.view.set_rings(&shapes);
                rings_ready.set(true);
                ring_note.set(None);
            }
            Err(_) => {
                d.view.set_rings(&[]);
                rings_ready.set(false);
                ring_note.set(Some(tr(
                    "图钉离街道太远，步行范围算不出来：请放到店门口的街边",
                    "The pin is far from any street: put it at the shop door",
                )));
            }
        }
    });

    view! {
        <div class="desk-map pin-map" node_ref=map_ref data-testid="pin-map"
            role="application"
            aria-label=tr("店铺位置地图：拖动图钉或点地图放置店铺位置", "Shop position map: drag the pin or tap to place the shop")
            data-rings=move || if rings_ready.get() { "ready" } else { "none" }
            data-lonlat=move || pin.get().map(|[lon, lat]| format!("{lon:.6},{lat:.6}")).unwrap_or_default()>
        </div>
        <p class="map-note" role="status" hidden=move || note.with(Option::is_none)>{move || note.get()}</p>
        <p class="map-note" role="status" hidden=move || ring_note.with(Option::is_none)>{move || ring_note.get()}</p>
    }
}
