//! Hand-driven delivery directives: `deliver`, `drop`, `duplicate`, `fire`.
//! Each picks a held message by link (and kind), oldest first, and applies
//! the matching action, so a script's run logs the same actions as the
//! page's clicks.

use super::{DirectiveError, Exec, Reply};
use crate::action::Action;
use crate::network::MsgId;
use crate::script::{kind_name, HandDirective, Pick};

/// Most messages `deliver all` hands over (each may send more; with no
/// timers firing this ends, but a bound keeps a mistake finite).
const DELIVER_ALL_MAX: usize = 10_000;

impl Exec<'_> {
    /// Runs one hand-driven directive.
    pub(super) fn hand(&mut self, h: &HandDirective) -> Result<Reply, DirectiveError> {
        match h {
            HandDirective::Fire(r) => {
                let n = self.node(r)?;
                self.host_apply(Action::FireTimer(n))?;
                Ok(Reply::Did(format!("fired {n}")))
            }
            HandDirective::Deliver(Pick::All) => {
                let mut count = 0;
                while let Some(m) = self.oldest_held() {
                    if count == DELIVER_ALL_MAX {
                        return Err(DirectiveError::Script(format!(
                            "`deliver all` stopped after {DELIVER_ALL_MAX} messages"
                        )));
                    }
                    self.host_apply(Action::Deliver(m))?;
                    count += 1;
                }
                Ok(Reply::Did(format!("delivered {count}")))
            }
            HandDirective::Drop(Pick::All) => {
                let mut count = 0;
                while let Some(m) = self.oldest_held() {
                    self.host_apply(Action::Drop(m))?;
                    count += 1;
                }
                Ok(Reply::Did(format!("dropped {count}")))
            }
            HandDirective::Deliver(p) | HandDirective::Drop(p) | HandDirective::Duplicate(p) => {
                let m = self.pick(p)?;
                let (verb, action) = match h {
                    HandDirective::Deliver(_) => ("delivered", Action::Deliver(m)),
                    HandDirective::Drop(_) => ("dropped", Action::Drop(m)),
                    _ => ("duplicated", Action::Duplicate(m)),
                };
                let f = self
                    .world()
                    .network()
                    .in_flight
                    .get(&m)
                    .expect("a picked message is in flight");
                let line = format!(
                    "{verb} {} {} -> {}",
                    kind_name(f.msg.kind()),
                    f.msg.from,
                    f.msg.to
                );
                self.host_apply(action)?;
                Ok(Reply::Did(line))
            }
        }
    }

    fn oldest_held(&self) -> Option<MsgId> {
        self.world()
            .network()
            .in_flight
            .values()
            .find(|f| f.held_at.is_some())
            .map(|f| f.id)
    }

    /// The oldest held message on the link `p` names.
    fn pick(&self, p: &Pick) -> Result<MsgId, DirectiveError> {
        let Pick::Link {
            source,
            target,
            kind,
        } = p
        else {
            return Err(DirectiveError::Script("pick one link: n1 -> n2".into()));
        };
        let (from, to) = (self.node(source)?, self.node(target)?);
        self.world()
            .network()
            .in_flight
            .values()
            .find(|f| {
                f.held_at.is_some()
                    && f.msg.from == from
                    && f.msg.to == to
                    && kind.is_none_or(|k| f.msg.kind() == k)
            })
            .map(|f| f.id)
            .ok_or_else(|| DirectiveError::Script(format!("no held message matches {p}")))
    }
}
