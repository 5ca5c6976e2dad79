//! The speed control: a log scale from 1/1000× to 100× real time.

/// Slowest speed (virtual seconds per wall second).
pub const SPEED_MIN: f64 = 0.001;
/// Fastest speed.
pub const SPEED_MAX: f64 = 100.0;
/// The slider's integer range is `0..=SLIDER_STEPS`.
pub const SLIDER_STEPS: u32 = 500;
/// The speed a page opens at: a 10–20 ms message takes 0.25–0.5 s to fly,
/// a 50 ms heartbeat interval is 1.25 s.
pub const DEFAULT_SPEED: f64 = 1.0 / 25.0;

/// Slider position to speed.
pub fn speed_from_slider(pos: u32) -> f64 {
    let t = pos.min(SLIDER_STEPS) as f64 / SLIDER_STEPS as f64;
    let (lo, hi) = (SPEED_MIN.log10(), SPEED_MAX.log10());
    10f64.powf(lo + t * (hi - lo))
}

/// Speed to the nearest slider position.
pub fn slider_from_speed(speed: f64) -> u32 {
    let s = clamp_speed(speed);
    let (lo, hi) = (SPEED_MIN.log10(), SPEED_MAX.log10());
    ((s.log10() - lo) / (hi - lo) * SLIDER_STEPS as f64).round() as u32
}

/// Keeps a speed inside the supported range.
pub fn clamp_speed(speed: f64) -> f64 {
    if speed.is_nan() {
        DEFAULT_SPEED
    } else {
        speed.clamp(SPEED_MIN, SPEED_MAX)
    }
}

/// `1/25×`, `1×`, `3.2×`, `100×`.
pub fn speed_label(speed: f64) -> String {
    let s = clamp_speed(speed);
    if s >= 0.95 {
        let r = (s * 10.0).round() / 10.0;
        if (r - r.round()).abs() < 1e-9 {
            format!("{}×", r.round() as u64)
        } else {
            format!("{r:.1}×")
        }
    } else {
        format!("1/{}×", (1.0 / s).round() as u64)
    }
}

/// One notch faster (`+` key): ×2.
pub fn faster(speed: f64) -> f64 {
    clamp_speed(speed * 2.0)
}

/// One notch slower (`-` key): ÷2.
pub fn slower(speed: f64) -> f64 {
    clamp_speed(speed / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ends_of_the_slider_are_the_ends_of_the_range() {
        assert!((speed_from_slider(0) - SPEED_MIN).abs() < 1e-12);
        assert!((speed_from_slider(SLIDER_STEPS) - SPEED_MAX).abs() < 1e-9);
        assert!((speed_from_slider(SLIDER_STEPS * 3 / 5) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn slider_and_speed_round_trip() {
        for pos in (0..=SLIDER_STEPS).step_by(7) {
            assert_eq!(slider_from_speed(speed_from_slider(pos)), pos);
        }
    }

    #[test]
    fn labels_read_naturally() {
        assert_eq!(speed_label(1.0), "1×");
        assert_eq!(speed_label(100.0), "100×");
        assert_eq!(speed_label(0.04), "1/25×");
        assert_eq!(speed_label(0.001), "1/1000×");
        assert_eq!(speed_label(2.5), "2.5×");
        assert_eq!(speed_label(1e9), "100×");
    }

    #[test]
    fn faster_and_slower_stay_in_range() {
        assert_eq!(faster(80.0), SPEED_MAX);
        assert_eq!(slower(0.0015), SPEED_MIN);
        assert_eq!(faster(0.5), 1.0);
        assert_eq!(clamp_speed(f64::NAN), DEFAULT_SPEED);
    }
}
