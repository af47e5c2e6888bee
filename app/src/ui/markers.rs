//! The HTML inside an outlet's Leaflet marker: the category (or repair-kind) glyph in a circle
//! of its colour, carrying the data attributes the browser tests select on.

use super::card::escape;
use super::filter::Badge;
use super::i18n::tr;
use crate::domain::StoredOutlet;

/// A marker to place: where, and the HTML of its icon.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkerSpec {
    pub id: i64,
    pub lat: f64,
    pub lon: f64,
    /// The category code, for the clusters' test hook.
    pub category: String,
    pub html: String,
}

pub fn marker_spec(o: &StoredOutlet, badge: &Badge, name: &str, category_name: &str) -> MarkerSpec {
    let out = &o.outlet;
    let html = format!(
        "<div class=\"outlet-marker{sample_class}\" data-id=\"{id}\" data-category=\"{cat}\" \
         data-repair-kinds=\"{kinds}\" data-sample=\"{sample}\" role=\"img\" \
         aria-label=\"{label}\"><span class=\"glyph\" style=\"background:{color}\">{glyph}</span></div>",
        sample_class = if out.is_sample() { " is-sample" } else { "" },
        id = o.id,
        cat = escape(&out.category),
        kinds = escape(&out.repair_kinds.join(" ")),
        sample = out.is_sample(),
        label = escape(&format!("{category_name}{sep}{name}", sep = tr("：", ": "))),
        color = escape(&badge.color),
        glyph = escape(&badge.glyph),
    );
    MarkerSpec {
        id: o.id,
        lat: out.lat,
        lon: out.lon,
        category: out.category.clone(),
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::outlet::OutletCollection;

    #[test]
    fn marker_carries_the_test_hooks() {
        let json = serde_json::json!({"type":"FeatureCollection","features":[{"type":"Feature","id":3,
            "geometry":{"type":"Point","coordinates":[121.44,31.245]},
            "properties":{"id":3,"name":"老王<修鞋>","name_en":null,"category":"repair",
              "repair_kinds":["shoe","key"],"services":[],"prices":[],"opening_hours":null,
              "phone":null,"address":null,"brand":null,"delivers":null,"open_24h":false,
              "source":"sample","osm_ref":null,"sample":true}}]});
        let fc: OutletCollection = serde_json::from_value(json).unwrap();
        let o = StoredOutlet::from(fc.features[0].clone());
        let badge = Badge {
            code: "shoe".into(),
            name: "修鞋".into(),
            color: "#8d5524".into(),
            glyph: "鞋".into(),
        };
        let m = marker_spec(&o, &badge, o.outlet.name.as_deref().unwrap(), "小修小补");
        assert!(m.html.contains("class=\"outlet-marker is-sample\""));
        assert!(m.html.contains("data-category=\"repair\""));
        assert!(m.html.contains("data-repair-kinds=\"shoe key\""));
        assert!(m.html.contains("data-sample=\"true\""));
        assert!(m.html.contains("老王&lt;修鞋&gt;"));
        assert!(m.html.contains(">鞋</span>"));
        assert_eq!((m.lat, m.lon), (31.245, 121.44));
    }
}
