//! The outlet markers on the Leaflet map, clustered: after every zoom or pan only the outlets
//! in (and near) the view are drawn, and markers that would overlap become one numbered
//! cluster that zooms in when tapped. The chosen outlet is always its own marker.

use super::cluster::{cluster, Placed};
use super::i18n::trf;
use super::leaflet_ext::{div_icon, element, object};
use super::markers::MarkerSpec;
use crate::domain::bbox;
use js_sys::{Array, Reflect};
use leaflet::{
    DivIconOptions, LatLng, LatLngBounds, LayerGroup, Map, Marker, MarkerOptions, Point,
};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Markers closer than this on screen are clustered (a marker's tap box is 44 px).
const CLUSTER_RADIUS_PX: f64 = 40.0;
/// From this zoom on every outlet is drawn on its own (street-level detail).
const NO_CLUSTER_ZOOM: f64 = 18.0;

type Listener = Closure<dyn Fn(JsValue)>;

pub struct OutletLayer {
    map: Map,
    layer: LayerGroup,
    specs: RefCell<Vec<MarkerSpec>>,
    markers: RefCell<Vec<(i64, Marker)>>,
    selected: Cell<Option<i64>>,
    on_marker: Listener,
    on_cluster: Listener,
    _on_move: RefCell<Option<Listener>>,
}

impl OutletLayer {
    /// `on_marker` handles taps and key presses on single outlet markers.
    pub fn new(map: &Map, on_marker: Closure<dyn Fn(JsValue)>) -> Rc<OutletLayer> {
        let layer = LayerGroup::new();
        layer.add_to(map);
        let m = map.clone();
        // A tapped cluster zooms to its members (Enter or Space when focused).
        let on_cluster = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
            if !super::map::activates(&e) {
                return;
            }
            let Some(b) = Reflect::get(&e, &"target".into())
                .and_then(|t| Reflect::get(&t, &"options".into()))
                .and_then(|o| Reflect::get(&o, &"clusterBox".into()))
                .ok()
                .map(|v| Array::from(&v))
            else {
                return;
            };
            let n = |i: u32| b.get(i).as_f64().unwrap_or_default();
            let bounds = LatLngBounds::new(&LatLng::new(n(1), n(0)), &LatLng::new(n(3), n(2)));
            m.fit_bounds_with_options(
                &bounds,
                &object(&[
                    ("padding", Array::of2(&60.into(), &60.into()).into()),
                    ("maxZoom", NO_CLUSTER_ZOOM.into()),
                ]),
            );
        });
        let this = Rc::new(OutletLayer {
            map: map.clone(),
            layer,
            specs: RefCell::default(),
            markers: RefCell::default(),
            selected: Cell::new(None),
            on_marker,
            on_cluster,
            _on_move: RefCell::default(),
        });
        let weak = Rc::downgrade(&this);
        let on_move = Closure::<dyn Fn(JsValue)>::new(move |_| {
            if let Some(this) = weak.upgrade() {
                this.redraw();
            }
        });
        map.on("moveend", on_move.as_ref());
        *this._on_move.borrow_mut() = Some(on_move);
        this
    }

    /// Replaces the outlets to show.
    pub fn set(&self, specs: Vec<MarkerSpec>) {
        *self.specs.borrow_mut() = specs;
        self.redraw();
    }

    /// Draws what the view needs now.
    fn redraw(&self) {
        self.layer.clear_layers();
        let mut markers = self.markers.borrow_mut();
        markers.clear();
        let specs = self.specs.borrow();
        // The view and half a screen around it, so a short pan shows markers at once.
        let view = self.map.get_bounds();
        let (sw, ne) = (view.get_south_west(), view.get_north_east());
        let (dy, dx) = ((ne.lat() - sw.lat()) / 2.0, (ne.lng() - sw.lng()) / 2.0);
        let (s, w) = (sw.lat() - dy, sw.lng() - dx);
        let (n, e) = (ne.lat() + dy, ne.lng() + dx);
        let selected = self.selected.get();
        let near: Vec<&MarkerSpec> = specs
            .iter()
            .filter(|m| {
                let inside = (s..=n).contains(&m.lat) && (w..=e).contains(&m.lon);
                inside || Some(m.id) == selected
            })
            .collect();
        let points: Vec<[f64; 2]> = near.iter().map(|m| [m.lon, m.lat]).collect();
        let zoom = self.map.get_zoom();
        let placed = if zoom >= NO_CLUSTER_ZOOM {
            (0..near.len()).map(Placed::Single).collect()
        } else {
            cluster(&points, zoom, CLUSTER_RADIUS_PX, |i| {
                Some(near[i].id) == selected
            })
        };
        for p in placed {
            match p {
                Placed::Single(i) => {
                    let spec = near[i];
                    let marker = self.single(spec);
                    markers.push((spec.id, marker));
                }
                Placed::Cluster { members, lonlat } => {
                    let group: Vec<&MarkerSpec> = members.iter().map(|&i| near[i]).collect();
                    self.cluster_marker(&group, lonlat);
                }
            }
        }
        drop(markers);
        self.mark_selected();
    }

    fn single(&self, spec: &MarkerSpec) -> Marker {
        let icon = DivIconOptions::new();
        icon.set_class_name("outlet-icon".into());
        icon.set_html(spec.html.clone());
        // The whole 44×44 box is the tap target; the visible badge inside is smaller.
        icon.set_icon_size(Point::new(44.0, 44.0));
        icon.set_icon_anchor(Point::new(22.0, 22.0));
        let opts = MarkerOptions::new();
        opts.set_icon(div_icon(&icon));
        let _ = Reflect::set(&opts, &"outletId".into(), &(spec.id as f64).into());
        let marker = Marker::new_with_options(&LatLng::new(spec.lat, spec.lon), &opts);
        marker.on("click", self.on_marker.as_ref());
        marker.on("keypress", self.on_marker.as_ref());
        marker.add_to_layer_group(&self.layer);
        marker
    }

    fn cluster_marker(&self, group: &[&MarkerSpec], [lon, lat]: [f64; 2]) {
        let n = group.len();
        let mut categories: Vec<&str> = group.iter().map(|m| m.category.as_str()).collect();
        categories.sort_unstable();
        categories.dedup();
        let ids: Vec<String> = group.iter().map(|m| m.id.to_string()).collect();
        let size = if n < 10 {
            40.0
        } else if n < 100 {
            46.0
        } else {
            52.0
        };
        let label = trf!("{n} 个网点，点按放大", "{n} outlets, tap to zoom in");
        let icon = DivIconOptions::new();
        icon.set_class_name("cluster-icon".into());
        icon.set_html(format!(
            "<div class=\"cluster-marker\" data-count=\"{n}\" data-categories=\"{cats}\" \
             data-ids=\"{ids}\" role=\"button\" aria-label=\"{label}\"><span>{n}</span></div>",
            cats = categories.join(" "),
            ids = ids.join(" "),
        ));
        icon.set_icon_size(Point::new(size, size));
        icon.set_icon_anchor(Point::new(size / 2.0, size / 2.0));
        let opts = MarkerOptions::new();
        opts.set_icon(div_icon(&icon));
        let cluster_box = Array::new();
        for v in bbox::around(group.iter().map(|m| [m.lon, m.lat])) {
            cluster_box.push(&v.into());
        }
        let _ = Reflect::set(&opts, &"clusterBox".into(), &cluster_box);
        let marker = Marker::new_with_options(&LatLng::new(lat, lon), &opts);
        marker.on("click", self.on_cluster.as_ref());
        marker.on("keypress", self.on_cluster.as_ref());
        marker.add_to_layer_group(&self.layer);
    }

    /// Marks the chosen outlet's marker and brings it to the front; an outlet hidden in a
    /// cluster is drawn on its own first.
    pub fn highlight(&self, id: Option<i64>) {
        let changed = self.selected.replace(id) != id;
        let drawn = id.is_none_or(|id| self.markers.borrow().iter().any(|(m, _)| *m == id));
        if changed && !drawn {
            self.redraw();
        } else {
            self.mark_selected();
        }
    }

    fn mark_selected(&self) {
        let id = self.selected.get();
        for (mid, marker) in self.markers.borrow().iter() {
            let on = Some(*mid) == id;
            if let Some(el) = element(marker) {
                let _ = el.class_list().toggle_with_force("is-selected", on);
            }
            marker.set_z_index_offset(if on { 1000.0 } else { 0.0 });
        }
    }

    /// The chosen outlet's position, if it is drawn.
    pub fn position(&self, id: i64) -> Option<LatLng> {
        let markers = self.markers.borrow();
        markers
            .iter()
            .find(|(m, _)| *m == id)
            .map(|(_, marker)| marker.get_lat_lng())
    }
}
