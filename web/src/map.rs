//! The well map: an equirectangular projection of the wells' locations into an SVG box (longitudes
//! shrunk by cos(latitude) so shapes look right at the project's latitude), and the polygon a user
//! draws on it, as WKT for `POST /v1/projects/{p}/wells/search`.

/// Maps lon/lat to SVG coordinates and back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapProjection {
    min_lon: f64,
    max_lat: f64,
    /// SVG units per degree of longitude and of latitude.
    sx: f64,
    sy: f64,
    pad: f64,
}

impl MapProjection {
    /// Fits `points` (lon, lat) into a `width`×`height` box with `pad` units of margin. `None` without
    /// points.
    pub fn fit(points: &[(f64, f64)], width: f64, height: f64, pad: f64) -> Option<MapProjection> {
        let finite = points.iter().filter(|(x, y)| x.is_finite() && y.is_finite());
        let (mut lo_x, mut hi_x, mut lo_y, mut hi_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        let mut any = false;
        for &(x, y) in finite {
            any = true;
            lo_x = lo_x.min(x);
            hi_x = hi_x.max(x);
            lo_y = lo_y.min(y);
            hi_y = hi_y.max(y);
        }
        if !any {
            return None;
        }
        // At least 0.01° across, centred, so one well or a line of wells still gets a box.
        let grow = |lo: &mut f64, hi: &mut f64| {
            if *hi - *lo < 0.01 {
                let mid = (*lo + *hi) / 2.0;
                *lo = mid - 0.005;
                *hi = mid + 0.005;
            }
        };
        grow(&mut lo_x, &mut hi_x);
        grow(&mut lo_y, &mut hi_y);
        let k = ((lo_y + hi_y) / 2.0).to_radians().cos().max(0.05);
        let s = ((width - 2.0 * pad) / ((hi_x - lo_x) * k)).min((height - 2.0 * pad) / (hi_y - lo_y));
        Some(MapProjection {
            min_lon: lo_x,
            max_lat: hi_y,
            sx: s * k,
            sy: s,
            pad,
        })
    }

    pub fn to_svg(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            self.pad + (lon - self.min_lon) * self.sx,
            self.pad + (self.max_lat - lat) * self.sy,
        )
    }

    pub fn to_lon_lat(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.min_lon + (x - self.pad) / self.sx,
            self.max_lat - (y - self.pad) / self.sy,
        )
    }
}

/// A closed WKT polygon from its vertices (lon, lat); `None` with fewer than three.
pub fn polygon_wkt(vertices: &[(f64, f64)]) -> Option<String> {
    if vertices.len() < 3 {
        return None;
    }
    let mut ring: Vec<String> = vertices.iter().map(|(x, y)| format!("{x} {y}")).collect();
    ring.push(ring[0].clone());
    Some(format!("POLYGON(({}))", ring.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_round_trips_and_fits_the_box() {
        let pts = [(-104.0, 39.0), (-103.0, 40.0), (-103.5, 39.5)];
        let p = MapProjection::fit(&pts, 400.0, 300.0, 10.0).unwrap();
        for &(x, y) in &pts {
            let (sx, sy) = p.to_svg(x, y);
            assert!((10.0 - 1e-9..=390.0 + 1e-9).contains(&sx) && (10.0 - 1e-9..=290.0 + 1e-9).contains(&sy));
            let (bx, by) = p.to_lon_lat(sx, sy);
            assert!((bx - x).abs() < 1e-9 && (by - y).abs() < 1e-9);
        }
        // North is up.
        assert!(p.to_svg(-103.5, 40.0).1 < p.to_svg(-103.5, 39.0).1);
        assert!(MapProjection::fit(&[], 1.0, 1.0, 0.0).is_none());
        assert!(
            MapProjection::fit(&[(5.0, 60.0)], 100.0, 100.0, 5.0).is_some(),
            "one well"
        );
    }

    #[test]
    fn polygon_is_closed_wkt() {
        assert_eq!(
            polygon_wkt(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]).unwrap(),
            "POLYGON((0 0, 1 0, 1 1, 0 0))"
        );
        assert_eq!(polygon_wkt(&[(0.0, 0.0), (1.0, 1.0)]), None);
    }
}
