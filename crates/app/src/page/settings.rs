//! Settings: cluster size, timing, PreVote/CheckQuorum, seed and the bug
//! switches. Applying restarts the run (same seed unless changed).

use leptos::prelude::*;
use raftlab_core::{Micros, BUG_SWITCHES};
use raftlab_sim::limits;
use raftlab_sim::WorldConfig;

use crate::driver::Ui;
use crate::i18n::K;
use crate::view_model::params::page_config;
use crate::view_model::settings::{bug_label, describe, problem, Problem};

/// A seed from the browser's cryptographic random source.
pub fn random_seed() -> u64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        // No crypto source: fall back to the clock so the button still works.
        return js_sys::Date::now() as u64;
    }
    // Keep seeds short enough to read and type.
    u64::from_le_bytes(b) % 1_000_000_000
}

/// A settings field's bounds in whole ms, from its row in `limits.rs`.
fn ms_range(l: &limits::Duration) -> (u64, u64) {
    (l.min.0 / 1000, l.max.0 / 1000)
}

/// The panel.
#[component]
pub fn Settings(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let t = move |k| lang.get().t(k);
    let draft = RwSignal::new(ui.config.get_untracked());
    let form_error = RwSignal::new(None::<Problem>);
    // Follow restarts made elsewhere (URL, random seed).
    Effect::new(move |_| draft.set(ui.config.get()));
    let num = move |label: K,
                    testid: &'static str,
                    (min, max): (u64, u64),
                    get: fn(&WorldConfig) -> u64,
                    put: fn(&mut WorldConfig, u64)| {
        view! {
            <label>
                <span>{move || t(label)}</span>
                <input
                    type="number"
                    data-testid=testid
                    min=min.to_string()
                    max=max.to_string()
                    prop:value=move || draft.with(get).to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).trim().parse::<u64>() {
                            draft.update(|d| put(d, v.clamp(min, max)));
                        }
                    }
                />
            </label>
        }
    };
    let check = move |label: K,
                      testid: &'static str,
                      get: fn(&WorldConfig) -> bool,
                      put: fn(&mut WorldConfig, bool)| {
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    data-testid=testid
                    prop:checked=move || draft.with(get)
                    on:change=move |ev| draft.update(|d| put(d, event_target_checked(&ev)))
                />
                <span>{move || t(label)}</span>
            </label>
        }
    };
    let bugs = BUG_SWITCHES
        .iter()
        .filter_map(|s| Some((s, bug_label(s.name)?)))
        .map(|(switch, label)| {
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid=format!("bug-{}", switch.name.replace('_', "-"))
                        prop:checked=move || draft.with(|d| switch.is_on(&d.raft.bugs))
                        on:change=move |ev| draft.update(|d| switch.set(&mut d.raft.bugs, event_target_checked(&ev)))
                    />
                    <span>{move || t(label)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <details class="panel settings" data-testid="settings" open>
            <summary><h2>{move || format!("⚙ {}", t(K::SettingsHeading))}</h2></summary>
            <p class="help">{move || t(K::SettingsHelp)}</p>
            <form class="settings-form" on:submit=move |ev| {
                ev.prevent_default();
                let d = draft.get_untracked();
                match problem(&d) {
                    Some(p) => form_error.set(Some(p)),
                    None => {
                        form_error.set(None);
                        ui.restart(d);
                    }
                }
            }>
                {num(K::SetNodes, "set-nodes", (limits::PAGE_NODES.min, limits::PAGE_NODES.max), |d| d.nodes as u64, |d, v| d.nodes = v as usize)}
                {num(K::SetElectionMin, "set-election-min", ms_range(&limits::PAGE_ELECTION), |d| d.raft.election_timeout_min.0 / 1000, |d, v| d.raft.election_timeout_min = Micros::from_ms(v))}
                {num(K::SetElectionMax, "set-election-max", ms_range(&limits::PAGE_ELECTION), |d| d.raft.election_timeout_max.0 / 1000, |d, v| d.raft.election_timeout_max = Micros::from_ms(v))}
                {num(K::SetHeartbeat, "set-heartbeat", ms_range(&limits::PAGE_HEARTBEAT), |d| d.raft.heartbeat_interval.0 / 1000, |d, v| d.raft.heartbeat_interval = Micros::from_ms(v))}
                {num(K::SetLatencyMin, "set-latency-min", ms_range(&limits::PAGE_LATENCY), |d| d.network.latency_min.0 / 1000, |d, v| d.network.latency_min = Micros::from_ms(v))}
                {num(K::SetLatencyMax, "set-latency-max", ms_range(&limits::PAGE_LATENCY), |d| d.network.latency_max.0 / 1000, |d, v| d.network.latency_max = Micros::from_ms(v))}
                {check(K::SetPreVote, "set-prevote", |d| d.raft.pre_vote, |d, v| d.raft.pre_vote = v)}
                {check(K::SetCheckQuorum, "set-checkquorum", |d| d.raft.check_quorum, |d, v| d.raft.check_quorum = v)}
                <label>
                    <span>{move || t(K::SetSeed)}</span>
                    <input
                        type="number"
                        data-testid="set-seed"
                        min="0"
                        prop:value=move || draft.with(|d| d.seed).to_string()
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).trim().parse::<u64>() {
                                draft.update(|d| d.seed = v);
                            }
                        }
                    />
                </label>
                <fieldset class="bugs">
                    <legend>{move || t(K::BugsHeading)}</legend>
                    {bugs}
                </fieldset>
                {move || form_error.get().map(|p| view! {
                    <p class="form-error" role="alert" data-testid="settings-error">{describe(lang.get(), p)}</p>
                })}
                <div class="menu">
                    <button type="submit" data-testid="settings-apply">{move || t(K::SetApply)}</button>
                    <button type="button" data-testid="random-seed" on:click=move |_| {
                        let mut d = draft.get_untracked();
                        d.seed = random_seed();
                        ui.restart(d);
                    }>{move || format!("🎲 {}", t(K::SetRandomSeed))}</button>
                    <button type="button" data-testid="settings-reset" on:click=move |_| {
                        let d = WorldConfig { seed: draft.get_untracked().seed, ..page_config() };
                        ui.restart(d);
                    }>{move || t(K::SetReset)}</button>
                </div>
            </form>
            <p class="seed-line">{move || format!("{}: {}", t(K::SetSeed), ui.config.with(|c| c.seed))}</p>
        </details>
    }
}
