//! Network knobs (latency, loss, duplication, workload), the partition
//! tool, heal-all, and adding nodes.

use std::collections::BTreeSet;

use leptos::prelude::*;
use raftlab_core::{Micros, NodeId};
use raftlab_sim::{Action, LinkConfig};

use crate::driver::{Pace, Selection, Ui};
use crate::i18n::K;
use crate::view_model::message::{flight_lines, FLIGHT_LINES};
use crate::view_model::params::MAX_OPS_PER_SEC;

/// The newest messages in the air as buttons: a way to pick one at any
/// speed, by pointer or keyboard. Picking pauses the run. It sits last in
/// the panel at a fixed height, so its churn never moves the controls.
#[component]
fn InFlight(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    // At reading pace (see `Ui::glances`): at speed, a message lives for a
    // frame or two.
    let lines = Memo::new(move |_| {
        ui.glance(Pace::Lists)
            .with(|s| flight_lines(s, lang.get(), FLIGHT_LINES))
    });
    let row = move |id: raftlab_sim::MsgId| {
        let line = Memo::new(move |_| lines.with(|(l, _)| l.iter().find(|x| x.id == id).cloned()));
        let selected = move || ui.selection.get() == Selection::Message(id);
        view! {
            <li>
                <button
                    type="button"
                    data-testid="flight-item"
                    data-msg=id.to_string()
                    class=move || line.with(|l| l.as_ref().map(|l| l.class.clone()).unwrap_or_default())
                    aria-pressed=move || selected().to_string()
                    on:click=move |_| {
                        ui.set_playing(false);
                        ui.selection.set(Selection::Message(id));
                    }
                >
                    {move || line.with(|l| l.as_ref().map(|l| l.text.clone()).unwrap_or_default())}
                </button>
            </li>
        }
    };
    view! {
        <h3>{move || lang.get().t(K::FlightHeading)}</h3>
        <p class="help">{move || lang.get().t(K::FlightHelp)}</p>
        <ul class="flight-list" data-testid="flight-list">
            <For each=move || lines.with(|(l, _)| l.iter().map(|x| x.id).collect::<Vec<_>>()) key=|id| *id children=row />
        </ul>
        <p class="help flight-more">
            {move || {
                let lang = lang.get();
                lines.with(|(l, more)| {
                    if l.is_empty() {
                        lang.t(K::FlightNone).to_string()
                    } else if *more > 0 {
                        lang.f(K::FlightMore, &[("n", more)])
                    } else {
                        String::new()
                    }
                })
            }}
        </p>
    }
}

/// The panel.
#[component]
pub fn NetworkPanel(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let t = move |k| lang.get().t(k);
    let net = Memo::new(move |_| ui.snapshot.with(|s| s.network.clone()));
    let set = move |f: &dyn Fn(&mut LinkConfig)| {
        let mut n = net.get_untracked();
        f(&mut n);
        if n.latency_min > n.latency_max {
            n.latency_min = n.latency_max;
        }
        ui.act(Action::SetNetwork(n));
    };
    let ops = Memo::new(move |_| ui.config.with(|c| c.workload.ops_per_sec));
    let workload = RwSignal::new(None::<f64>);
    // Partition tool: each node in group A (0) or B (1).
    let groups = RwSignal::new(Vec::<(NodeId, u8)>::new());
    let ids = Memo::new(move |_| {
        ui.snapshot
            .with(|s| s.nodes.iter().map(|n| n.id).collect::<Vec<_>>())
    });
    let group_of =
        move |id: NodeId| groups.with(|g| g.iter().find(|(n, _)| *n == id).map_or(0, |(_, x)| *x));
    let toggle = move |id: NodeId| {
        groups.update(|g| match g.iter_mut().find(|(n, _)| *n == id) {
            Some((_, x)) => *x = 1 - *x,
            None => g.push((id, 1)),
        })
    };
    let apply_partition = move |_| {
        let all = ids.get_untracked();
        let a: BTreeSet<NodeId> = all.iter().copied().filter(|n| group_of(*n) == 0).collect();
        let b: BTreeSet<NodeId> = all.iter().copied().filter(|n| group_of(*n) == 1).collect();
        if !a.is_empty() && !b.is_empty() {
            ui.act(Action::Partition(vec![a, b]));
        }
    };
    let ms = |m: Micros| (m.0 / 1000).to_string();
    view! {
        <section class="panel network" data-testid="network-panel" aria-labelledby="net-h">
            <h2 id="net-h">{move || t(K::NetworkHeading)}</h2>
            <label class="slider">
                <span>{move || lang.get().f(K::Latency, &[("min", &ms(net.get().latency_min)), ("max", &ms(net.get().latency_max))])}</span>
                <input
                    type="range"
                    data-testid="latency"
                    min="1"
                    max="200"
                    prop:value=move || ms(net.get().latency_max)
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<u64>() {
                            set(&|n| {
                                n.latency_max = Micros::from_ms(v);
                                n.latency_min = Micros::from_ms((v / 2).max(1));
                            });
                        }
                    }
                />
            </label>
            <label class="slider">
                <span>{move || lang.get().f(K::DropRate, &[("pct", &format!("{:.0}", net.get().drop_rate * 100.0))])}</span>
                <input
                    type="range"
                    data-testid="drop-rate"
                    min="0"
                    max="50"
                    prop:value=move || format!("{:.0}", net.get().drop_rate * 100.0)
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            set(&|n| n.drop_rate = v / 100.0);
                        }
                    }
                />
            </label>
            <label class="slider">
                <span>{move || lang.get().f(K::DupRate, &[("pct", &format!("{:.0}", net.get().duplicate_rate * 100.0))])}</span>
                <input
                    type="range"
                    data-testid="dup-rate"
                    min="0"
                    max="50"
                    prop:value=move || format!("{:.0}", net.get().duplicate_rate * 100.0)
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            set(&|n| n.duplicate_rate = v / 100.0);
                        }
                    }
                />
            </label>
            <label class="slider">
                <span>{move || format!("{} {:.1}", t(K::WorkloadLabel), workload.get().unwrap_or(ops.get()))}</span>
                <input
                    type="range"
                    data-testid="workload"
                    min="0"
                    max=MAX_OPS_PER_SEC.to_string()
                    step="0.5"
                    prop:value=move || workload.get().unwrap_or(ops.get()).to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            workload.set(Some(v));
                            let mut w = ui.config.get_untracked().workload;
                            w.ops_per_sec = v;
                            ui.act(Action::SetWorkload(w));
                        }
                    }
                />
            </label>
            <div class="add-nodes menu" role="group">
                <button data-testid="add-voter" on:click=move |_| ui.act(Action::AddNode { learner: false })>{move || t(K::ActAddVoter)}</button>
                <button data-testid="add-learner" on:click=move |_| ui.act(Action::AddNode { learner: true })>{move || t(K::ActAddLearner)}</button>
            </div>
            <h3>{move || t(K::PartitionHeading)}</h3>
            <p class="help">{move || t(K::PartitionHelp)}</p>
            <div class="partition" data-testid="partition-tool" role="group">
                {move || {
                    ids.get()
                        .into_iter()
                        .map(|id| {
                            let g = move || if group_of(id) == 0 { "A" } else { "B" };
                            view! {
                                <button
                                    data-testid=format!("partition-{id}")
                                    class=move || format!("group group-{}", g())
                                    title=move || lang.get().f(K::GroupLabel, &[("node", &id), ("group", &g())])
                                    on:click=move |_| toggle(id)
                                >
                                    {id.to_string()}
                                    " "
                                    <small>{g}</small>
                                    <span class="sr-only">{move || format!(" ({})", lang.get().f(K::GroupLabel, &[("node", &id), ("group", &g())]))}</span>
                                </button>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <div class="menu" role="group">
                <button data-testid="partition-apply" on:click=apply_partition>{move || t(K::PartitionApply)}</button>
                <button data-testid="heal-all" on:click=move |_| {
                    groups.set(Vec::new());
                    ui.act(Action::HealAll)
                }>{move || t(K::HealAll)}</button>
            </div>
            <InFlight ui=ui />
        </section>
    }
}
