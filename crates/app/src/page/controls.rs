//! Time controls: play/pause, step, speed, and the scrubber with its marks.

use leptos::prelude::*;
use raftlab_core::Micros;

use crate::driver::{Pace, Ui};
use crate::i18n::K;
use crate::view_model::speed::{slider_from_speed, speed_from_slider, speed_label, SLIDER_STEPS};
use crate::view_model::timeline::{mark_views, time_label};

/// The toolbar.
#[component]
pub fn TimeControls(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let t = move |k| lang.get().t(k);
    // The clock and the scrubber follow at reading pace (see `Ui::glances`):
    // a clock that changes every frame is unreadable, and redrawing the
    // toolbar every frame cost a frame's raster of a screen-wide strip.
    let now = Memo::new(move |_| ui.glance(Pace::Lists).with(|s| s.now));
    let head = Memo::new(move |_| {
        ui.glance(Pace::Lists).track();
        ui.head.get_untracked()
    });
    // The marks are rebuilt only when the driver publishes new markers (a
    // few times a second while playing); between rebuilds they keep their
    // place in run time and CSS scales them by `--head`, so a frame changes
    // one style on the strip instead of every mark.
    let marks = Memo::new(move |_| {
        let head = head.get_untracked().max(now.get_untracked());
        ui.markers.with(|m| mark_views(m, head, lang.get()))
    });
    let head_ms = move || (head.get().max(now.get()).0 / 1000).max(1);
    let at_head = move || now.get() >= head.get();
    view! {
        <section class="toolbar" aria-label=move || t(K::Time)>
            <div class="buttons">
                <button
                    class="play"
                    data-testid="play-pause"
                    aria-pressed=move || ui.playing.get().to_string()
                    on:click=move |_| ui.toggle_play()
                >
                    {move || if ui.playing.get() { format!("❚❚ {}", t(K::Pause)) } else { format!("▶ {}", t(K::Play)) }}
                </button>
                <button data-testid="step" title=move || t(K::StepTitle) on:click=move |_| ui.step()>
                    {move || format!("▶| {}", t(K::Step))}
                </button>
                <label class="speed" title=move || t(K::SpeedTitle)>
                    <span>{move || t(K::Speed)}</span>
                    <input
                        type="range"
                        data-testid="speed"
                        min="0"
                        max=SLIDER_STEPS.to_string()
                        step="1"
                        prop:value=move || slider_from_speed(ui.speed.get()).to_string()
                        aria-valuetext=move || speed_label(ui.speed.get())
                        on:input=move |ev| {
                            if let Ok(p) = event_target_value(&ev).parse::<u32>() {
                                ui.set_speed(speed_from_slider(p));
                            }
                        }
                    />
                    <output data-testid="speed-label">{move || speed_label(ui.speed.get())}</output>
                </label>
                <span class="clock" data-testid="clock" title=move || lang.get().f(K::FastForwardNote, &[("ms", &ui.skipped_ms.get())])>
                    {move || time_label(now.get())}
                    " "
                    <span class=move || if at_head() { "live" } else { "past" }>
                        {move || if at_head() { t(K::AtHead).to_string() } else { format!("⟲ {}", t(K::InPast)) }}
                    </span>

                </span>
            </div>
            <div class="scrubber">
                <input
                    type="range"
                    data-testid="scrubber"
                    aria-label=move || t(K::Scrubber)
                    title=move || t(K::Scrubber)
                    min="0"
                    max=move || head.get().max(now.get()).0.to_string()
                    step="1000"
                    prop:value=move || now.get().0.to_string()
                    aria-valuetext=move || time_label(now.get())
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<u64>() {
                            ui.set_playing(false);
                            ui.seek(Micros(v));
                        }
                    }
                />
                <div class="marks" aria-hidden="true" style=move || format!("--head:{}", head_ms())>
                    // Keyed, so a refresh adds the new marks and keeps the rest.
                    <For
                        each=move || marks.get()
                        key=|m| (m.at, m.class, m.title.clone())
                        children=move |m| {
                            let at = m.at;
                            view! {
                                <span
                                    class=format!("mark {}", m.class)
                                    style=format!("--at:{}", m.at.0 / 1000)
                                    title=m.title
                                    on:click=move |_| {
                                        ui.set_playing(false);
                                        ui.seek(at);
                                    }
                                ></span>
                            }
                        }
                    />
                    <span class="mark-now" style=move || format!("--at:{}", now.get().0 / 1000)></span>
                </div>
            </div>
        </section>
    }
}
