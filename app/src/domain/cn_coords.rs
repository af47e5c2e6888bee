//! Chinese map coordinates and "walk there" links into the residents' own map apps.
//!
//! Our data is WGS-84 (OpenStreetMap, the phone's GPS), but the maps residents use in China are
//! not: Amap (高德) and Tencent (腾讯) take GCJ-02, the state-mandated offset datum, and Baidu
//! (百度) takes its own BD-09 on top of that. Handing them WGS-84 puts the pin a few hundred
//! metres off, in the middle of the wrong block. The conversions are the standard published
//! ones (Krasovsky ellipsoid); there is no exact inverse, and we never need one here.
//!
//! Each link opens *walking* directions to an outlet in the provider's web URI API, which on a
//! phone hands over to the installed app. The `geo:` link is the generic one for any map app
//! (Android intent, and anything outside China).

use std::f64::consts::PI;

/// Krasovsky 1940 ellipsoid: semi-major axis (m) and first eccentricity squared, as GCJ-02
/// uses them (published as 0.00669342162296594323; this is the same f64).
const A: f64 = 6378245.0;
const EE: f64 = 0.006_693_421_622_965_943;
/// BD-09's scale constant.
const X_PI: f64 = PI * 3000.0 / 180.0;

/// Outside this rough box GCJ-02 leaves coordinates as they are. The box (not China's
/// border) is what the common open-source implementations use, e.g. googollee/eviltransform
/// `go/transform.go` `outOfChina`; a point in it but abroad (Seoul, Hanoi) is shifted like the
/// Chinese apps themselves shift it.
pub fn out_of_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn transform_lon(x: f64, y: f64) -> f64 {
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

/// WGS-84 → GCJ-02 (what Amap and Tencent take). Unchanged outside China.
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    let dlat = transform_lat(lon - 105.0, lat - 35.0);
    let dlon = transform_lon(lon - 105.0, lat - 35.0);
    let radlat = lat / 180.0 * PI;
    let magic = 1.0 - EE * radlat.sin() * radlat.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlon = (dlon * 180.0) / (A / sqrt_magic * radlat.cos() * PI);
    (lon + dlon, lat + dlat)
}

/// GCJ-02 → BD-09 (what Baidu takes). Applied everywhere: Baidu offsets abroad too.
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let z = (lon * lon + lat * lat).sqrt() + 0.00002 * (lat * X_PI).sin();
    let theta = lat.atan2(lon) + 0.000003 * (lon * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// WGS-84 → BD-09, through GCJ-02.
pub fn wgs84_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = wgs84_to_gcj02(lon, lat);
    gcj02_to_bd09(x, y)
}

/// RFC 3986 percent-encoding of UTF-8: the unreserved characters (`A–Z a–z 0–9 - . _ ~`) stay,
/// every other byte becomes `%XX` (upper-case hex). Strict on purpose: an outlet name with `&`,
/// `#`, `,` or `|` must not break the link's own separators.
pub fn percent_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len() * 3);
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

/// Links that open walking directions to one outlet, one per map provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavLinks {
    pub amap: String,
    pub tencent: String,
    pub baidu: String,
    pub geo: String,
}

/// Walking-directions links to the outlet `name` at WGS-84 `lon`/`lat`. Coordinates are
/// written with 6 decimals (about 10 cm; Amap's and Baidu's web-service docs allow no more);
/// the name is percent-encoded. The origin is left out everywhere: each provider then starts
/// from the phone's own position. (Baidu's web URI page marks `origin` as required; its app
/// URI documents the current location as the default, and the web page is only the fallback
/// when the app is not installed.)
///
/// Formats, from the providers' URI documentation:
/// - Amap, <https://lbs.amap.com/api/uri-api/guide/travel/route>: `https://uri.amap.com/navigation`
///   with `to=lon,lat[,name]`, `mode=walk`, `src`, `callnative=1` (open the app when installed).
///   `coordinate=gaode` (GCJ-02) is the parameter of Amap's marker URI
///   (<https://lbs.amap.com/api/uri-api/guide/mobile-web/point>); GCJ-02 is the default, so it
///   only says so explicitly.
/// - Tencent, <https://lbs.qq.com/webApi/uriV1/uriGuide/uriWebRoute>: `routeplan` with
///   `type=walk`, `to` (name), `tocoord=lat,lng` (Tencent coordinates, i.e. GCJ-02, the default
///   `coord_type`), `referer`; without `from`/`fromcoord` a phone starts at its location.
/// - Baidu, <https://lbsyun.baidu.com/index.php?title=uri/api/web> (公交、驾车、步行路线规划):
///   `https://api.map.baidu.com/direction` with `destination=latlng:lat,lng|name:…`,
///   `mode=walking`, `coord_type=bd09ll`, `output=html` (required on the web), and
///   `src=webapp.companyName.appName`.
/// - `geo:lat,lon?q=lat,lon(label)`: RFC 5870 plus the Android maps-intent query with a label.
pub fn nav_links(name: &str, lon: f64, lat: f64) -> NavLinks {
    let label = percent_encode(name);
    let (glon, glat) = wgs84_to_gcj02(lon, lat);
    let (blon, blat) = gcj02_to_bd09(glon, glat);
    NavLinks {
        amap: format!(
            "https://uri.amap.com/navigation?to={glon:.6},{glat:.6},{label}&mode=walk&coordinate=gaode&callnative=1&src=bianmin"
        ),
        tencent: format!(
            "https://apis.map.qq.com/uri/v1/routeplan?type=walk&to={label}&tocoord={glat:.6},{glon:.6}&referer=bianmin"
        ),
        baidu: format!(
            "https://api.map.baidu.com/direction?destination=latlng:{blat:.6},{blon:.6}|name:{label}&mode=walking&coord_type=bd09ll&output=html&src=webapp.bianmin"
        ),
        geo: format!("geo:{lat:.6},{lon:.6}?q={lat:.6},{lon:.6}({label})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::haversine_m;

    fn close(got: (f64, f64), want: (f64, f64)) {
        assert!(
            (got.0 - want.0).abs() < 1e-9 && (got.1 - want.1).abs() < 1e-9,
            "got {got:?}, want {want:?}"
        );
    }

    #[test]
    fn conversions_match_the_published_values() {
        // wandergis/coordtransform, README.md and test/app.js ("//result" block):
        //   gcj02tobd09(116.404, 39.915)  → [116.41036949371029, 39.92133699351021]
        //   wgs84togcj02(116.404, 39.915) → [116.41024449916938, 39.91640428150164]
        close(
            wgs84_to_gcj02(116.404, 39.915),
            (116.41024449916938, 39.91640428150164),
        );
        close(
            gcj02_to_bd09(116.404, 39.915),
            (116.41036949371029, 39.92133699351021),
        );
        // googollee/eviltransform, go/transform_test.go (wgsLat, wgsLng, gcjLat, gcjLng):
        //   shanghai {31.1774276, 121.5272106, 31.17530398364597, 121.531541859215}
        //   shenzhen {22.543847, 113.912316, 22.540796131694766, 113.9171764808363}
        //   beijing  {39.911954, 116.377817, 39.91334545536069, 116.38404722455657}
        close(
            wgs84_to_gcj02(121.5272106, 31.1774276),
            (121.531541859215, 31.17530398364597),
        );
        close(
            wgs84_to_gcj02(113.912316, 22.543847),
            (113.9171764808363, 22.540796131694766),
        );
        close(
            wgs84_to_gcj02(116.377817, 39.911954),
            (116.38404722455657, 39.91334545536069),
        );
        // BD-09 from WGS-84 is the composition.
        let (x, y) = wgs84_to_gcj02(116.404, 39.915);
        assert_eq!(wgs84_to_bd09(116.404, 39.915), gcj02_to_bd09(x, y));
    }

    #[test]
    fn outside_china_nothing_moves() {
        assert!(out_of_china(24.94, 60.17), "Helsinki");
        assert_eq!(wgs84_to_gcj02(24.94, 60.17), (24.94, 60.17));
        assert!(!out_of_china(121.44, 31.245), "Shanghai");
        // The box's edges: 72.004 ≤ lon ≤ 137.8347, 0.8293 ≤ lat ≤ 55.8271.
        assert!(out_of_china(72.0039, 30.0) && !out_of_china(72.004, 30.0));
        assert!(out_of_china(137.8348, 30.0) && !out_of_china(137.8347, 30.0));
        assert!(out_of_china(100.0, 0.8292) && !out_of_china(100.0, 0.8293));
        assert!(out_of_china(100.0, 55.8272) && !out_of_china(100.0, 55.8271));
        assert!(out_of_china(-74.0, 40.7), "New York");
    }

    #[test]
    fn the_offset_in_shanghai_is_a_few_hundred_metres() {
        let p = (121.44, 31.245); // 长寿路
        let g = wgs84_to_gcj02(p.0, p.1);
        let b = wgs84_to_bd09(p.0, p.1);
        let to_gcj = haversine_m([p.0, p.1], [g.0, g.1]);
        let to_bd = haversine_m([p.0, p.1], [b.0, b.1]);
        assert!(
            (100.0..1000.0).contains(&to_gcj),
            "GCJ-02 offset {to_gcj} m"
        );
        assert!((100.0..2000.0).contains(&to_bd), "BD-09 offset {to_bd} m");
        // GCJ-02 moves Shanghai east and south (the eviltransform Shanghai sample does too).
        assert!(g.0 > p.0 && g.1 < p.1);
        // Sanity of a round trip by the common one-step inverse (gcj − Δ(gcj)): back within a
        // few metres (eviltransform's `GCJtoWGS` promises 1–2 m).
        let d = (
            g.0 - wgs84_to_gcj02(g.0, g.1).0,
            g.1 - wgs84_to_gcj02(g.0, g.1).1,
        );
        let back = (g.0 + d.0, g.1 + d.1);
        assert!(haversine_m([p.0, p.1], [back.0, back.1]) < 5.0);
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(percent_encode("Az09-._~"), "Az09-._~");
        assert_eq!(percent_encode("Shoe & key #1"), "Shoe%20%26%20key%20%231");
        assert_eq!(percent_encode("修鞋"), "%E4%BF%AE%E9%9E%8B");
        assert_eq!(
            percent_encode("a,b|c:d/e?f=g+h"),
            "a%2Cb%7Cc%3Ad%2Fe%3Ff%3Dg%2Bh"
        );
        assert_eq!(percent_encode(""), "");
    }

    /// The value of `key` in a URL's query (`key=value&…`), undecoded.
    fn param<'a>(url: &'a str, key: &str) -> &'a str {
        let query = url.split_once('?').expect("a query").1;
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
            .unwrap_or_else(|| panic!("no {key} in {url}"))
    }

    fn pair(text: &str) -> (f64, f64) {
        let mut it = text.split(',').map(|x| x.parse::<f64>().unwrap());
        (it.next().unwrap(), it.next().unwrap())
    }

    fn round6(p: (f64, f64)) -> (f64, f64) {
        (
            format!("{:.6}", p.0).parse().unwrap(),
            format!("{:.6}", p.1).parse().unwrap(),
        )
    }

    #[test]
    fn links_carry_each_providers_coordinates() {
        let (lon, lat) = (121.4405, 31.2463);
        let links = nav_links("修鞋配钥匙", lon, lat);
        let gcj = round6(wgs84_to_gcj02(lon, lat));
        let bd = round6(wgs84_to_bd09(lon, lat));

        let to = param(&links.amap, "to");
        let (x, y) = pair(to.rsplit_once(',').unwrap().0);
        assert_eq!((x, y), gcj);
        assert!(to.ends_with(",%E4%BF%AE%E9%9E%8B%E9%85%8D%E9%92%A5%E5%8C%99"));
        assert_eq!(param(&links.amap, "mode"), "walk");

        let (y, x) = pair(param(&links.tencent, "tocoord"));
        assert_eq!((x, y), gcj, "Tencent: lat first");
        assert_eq!(param(&links.tencent, "type"), "walk");

        let dest = param(&links.baidu, "destination");
        let (latlng, name) = dest.split_once('|').unwrap();
        let (y, x) = pair(latlng.strip_prefix("latlng:").unwrap());
        assert_eq!((x, y), bd, "Baidu: BD-09, lat first");
        assert_eq!(name, "name:%E4%BF%AE%E9%9E%8B%E9%85%8D%E9%92%A5%E5%8C%99");
        assert_eq!(param(&links.baidu, "coord_type"), "bd09ll");
        assert_eq!(param(&links.baidu, "mode"), "walking");

        assert!(links
            .geo
            .starts_with("geo:31.246300,121.440500?q=31.246300,121.440500("));
        // The three Chinese datums differ from each other by hundreds of metres.
        assert!(haversine_m([lon, lat], [gcj.0, gcj.1]) > 100.0);
        assert!(haversine_m([gcj.0, gcj.1], [bd.0, bd.1]) > 100.0);
    }

    #[test]
    fn links_spelled_out_for_a_published_point() {
        // eviltransform's Shanghai sample: WGS-84 (121.5272106, 31.1774276) is GCJ-02
        // (121.531541859215, 31.17530398364597), i.e. 121.531542, 31.175304 to 6 decimals.
        let links = nav_links("修鞋 & 配钥匙", 121.5272106, 31.1774276);
        let name = "%E4%BF%AE%E9%9E%8B%20%26%20%E9%85%8D%E9%92%A5%E5%8C%99";
        assert_eq!(
            links.amap,
            format!("https://uri.amap.com/navigation?to=121.531542,31.175304,{name}&mode=walk&coordinate=gaode&callnative=1&src=bianmin")
        );
        assert_eq!(
            links.tencent,
            format!("https://apis.map.qq.com/uri/v1/routeplan?type=walk&to={name}&tocoord=31.175304,121.531542&referer=bianmin")
        );
        // BD-09 of that GCJ-02 point by the wandergis `gcj02tobd09` formula, evaluated
        // independently (a Python port of coordtransform's index.js):
        // (121.53801568643858, 31.181328606874466).
        assert_eq!(
            links.baidu,
            format!("https://api.map.baidu.com/direction?destination=latlng:31.181329,121.538016|name:{name}&mode=walking&coord_type=bd09ll&output=html&src=webapp.bianmin")
        );
        assert_eq!(
            links.geo,
            format!("geo:31.177428,121.527211?q=31.177428,121.527211({name})")
        );
    }

    #[test]
    fn names_cannot_break_the_links() {
        let links = nav_links("Shoe repair & keys #2, 修鞋|配:匙", 121.44, 31.245);
        let encoded =
            "Shoe%20repair%20%26%20keys%20%232%2C%20%E4%BF%AE%E9%9E%8B%7C%E9%85%8D%3A%E5%8C%99";
        for url in [&links.amap, &links.tencent, &links.baidu, &links.geo] {
            assert!(url.contains(encoded), "{url}");
            assert!(!url.contains(' ') && !url.contains('#'), "{url}");
        }
        // Baidu's own `|` and `:` separators stay literal; the name's are encoded.
        let dest = param(&links.baidu, "destination");
        assert_eq!(dest.matches('|').count(), 1);
        assert!(dest.starts_with("latlng:") && dest.contains("|name:Shoe%20"));
        // Only the link's own `&`s separate parameters (type, to, tocoord, referer).
        assert_eq!(links.tencent.matches('&').count(), 3);
    }

    #[test]
    fn abroad_the_links_carry_plain_wgs84() {
        let links = nav_links("Kauppatori", 24.952, 60.1675);
        assert_eq!(
            links.amap,
            "https://uri.amap.com/navigation?to=24.952000,60.167500,Kauppatori&mode=walk&coordinate=gaode&callnative=1&src=bianmin"
        );
        assert_eq!(param(&links.tencent, "tocoord"), "60.167500,24.952000");
        assert_eq!(
            links.geo,
            "geo:60.167500,24.952000?q=60.167500,24.952000(Kauppatori)"
        );
        // Baidu offsets every coordinate, in China or not.
        let (bx, by) = gcj02_to_bd09(24.952, 60.1675);
        assert!(param(&links.baidu, "destination").starts_with(&format!("latlng:{by:.6},{bx:.6}|")));
        assert_ne!((bx, by), (24.952, 60.1675));
    }
}
