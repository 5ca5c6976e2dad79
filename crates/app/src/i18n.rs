//! Every user-visible string of the page, in English and Chinese, from one
//! place. Components never spell out text themselves: they ask
//! [`Lang::t`] for a key, or [`Lang::f`] for a key with `{name}` slots.
//!
//! The macro makes a missing translation a compile error (each key has
//! exactly two strings); the tests check that both are non-empty and use the
//! same `{slots}`.
//!
//! Text about the simulator's data (message summaries, log entries,
//! invariants and their violations, actions, client results, refusals) is
//! worded here too, from the data itself, by [`crate::view_model::words`].

use std::fmt::Display;

/// The page's language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Both languages.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// Parses `en` / `zh` (and `zh-CN`, `en-US`, ...).
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s == "en" || s.starts_with("en-") {
            Some(Lang::En)
        } else if s == "zh" || s.starts_with("zh-") {
            Some(Lang::Zh)
        } else {
            None
        }
    }

    /// The string for `key`.
    pub fn t(self, key: K) -> &'static str {
        match self {
            Lang::En => en(key),
            Lang::Zh => zh(key),
        }
    }

    /// The string for `key` with each `{name}` replaced by its value; a
    /// slot no argument names stays as written. One pass, writing each
    /// value in place: the page words hundreds of labels as it starts.
    pub fn f(self, key: K, args: &[(&str, &dyn Display)]) -> String {
        use std::fmt::Write as _;
        let mut rest = self.t(key);
        let mut out = String::with_capacity(rest.len() + 16);
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let slot = after.find('}').and_then(|close| {
                args.iter()
                    .find(|(name, _)| *name == &after[..close])
                    .map(|a| (close, a.1))
            });
            match slot {
                Some((close, value)) => {
                    let _ = write!(out, "{value}");
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

macro_rules! strings {
    ($($key:ident => $en:expr, $zh:expr;)*) => {
        /// A translatable string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum K { $($key),* }

        impl K {
            /// Every key.
            pub const ALL: &'static [K] = &[$(K::$key),*];
        }

        fn en(k: K) -> &'static str {
            match k { $(K::$key => $en),* }
        }

        fn zh(k: K) -> &'static str {
            match k { $(K::$key => $zh),* }
        }
    };
}

strings! {
    Title => "Raftlab", "Raftlab";
    Tagline => "Raft consensus, live in your browser: break it and watch it recover",
        "浏览器里实时运行的 Raft 共识：随意破坏，看它如何恢复";
    LangSwitch => "中文", "English";
    LangSwitchLabel => "Switch language to Chinese", "切换到英文";
    HelpButton => "Keyboard shortcuts and help", "键盘快捷键与帮助";
    // Time controls
    Play => "Play", "播放";
    Pause => "Pause", "暂停";
    Step => "Step", "单步";
    StepTitle => "Process exactly one event (key .)", "只处理一个事件（按键 .）";
    Speed => "Speed", "速度";
    SpeedTitle => "Simulation speed: at 1× a 150–300 ms election timeout takes that long in real time",
        "模拟速度：1× 时 150–300 毫秒的选举超时在现实中也需要这么久";
    Time => "Virtual time", "虚拟时间";
    Scrubber => "Timeline: drag back to any moment; acting in the past starts a new future",
        "时间线：拖回任意时刻；在过去操作会开启新的未来";
    FastForwardNote => "The first {ms} ms of idle time (nodes waiting for their election timers) were skipped so that the first election starts at once; from then on time runs at the chosen speed.",
        "开始时跳过了 {ms} 毫秒的空闲时间（节点在等待选举计时器），让第一次选举立即开始；之后时间按所选速度流逝。";
    AtHead => "live", "实时";
    InPast => "in the past: acting here forks a new future", "处于过去：在此操作会分叉出新的未来";
    MarkerElection => "{node} elected leader of term {term}", "{node} 当选任期 {term} 的领导者";
    MarkerCommit => "committed up to {index}", "提交至 {index}";
    // Roles and states
    RoleFollower => "follower", "跟随者";
    RolePreCandidate => "pre-candidate", "预候选者";
    RoleCandidate => "candidate", "候选者";
    RoleLeader => "leader", "领导者";
    StatusCrashed => "crashed", "已崩溃";
    StatusPaused => "paused", "已暂停";
    Learner => "learner", "学习者";
    NotMember => "removed", "已移除";
    TermShort => "T{term}", "任期{term}";
    VotedFor => "voted {node}", "投给 {node}";
    NodeAria => "node {id}, {role}, term {term}{extra}", "节点 {id}，{role}，任期 {term}{extra}";
    MessageAria => "{kind} from {from} to {to}, term {term}", "{kind}：{from} → {to}，任期 {term}";
    LinkAria => "link {from} to {to}{cut}", "链路 {from} → {to}{cut}";
    LinkCutSuffix => ", cut", "，已切断";
    ClusterAria => "cluster of {n} nodes", "{n} 个节点的集群";
    NoLeader => "no leader", "无领导者";
    LeaderIs => "leader {node} · term {term}", "领导者 {node} · 任期 {term}";
    // Message kinds
    MsgPreVote => "PreVote request", "预投票请求";
    MsgPreVoteResponse => "PreVote reply", "预投票回复";
    MsgRequestVote => "RequestVote", "请求投票";
    MsgRequestVoteResponse => "vote reply", "投票回复";
    MsgHeartbeat => "heartbeat (empty AppendEntries)", "心跳（空 AppendEntries）";
    MsgAppendEntries => "AppendEntries with entries", "携带条目的 AppendEntries";
    MsgAppendEntriesResponse => "AppendEntries reply", "AppendEntries 回复";
    MsgInstallSnapshot => "InstallSnapshot", "安装快照";
    MsgInstallSnapshotResponse => "InstallSnapshot reply", "安装快照回复";
    MsgTimeoutNow => "TimeoutNow (leadership transfer)", "TimeoutNow（领导权转移）";
    Granted => "granted / success", "同意 / 成功";
    Denied => "denied / failure", "拒绝 / 失败";
    Dropped => "dropped message", "丢失的消息";
    Held => "held", "已扣留";
    // Simulator data, worded from its enums by view_model::words.
    SumPreVote => "PreVote for term {term} (last log entry {index}, term {lterm})", "PreVote 预投票请求，任期 {term}（最后日志条目：索引 {index}，任期 {lterm}）";
    SumPreVoteGranted => "PreVote granted", "预投票：同意";
    SumPreVoteDenied => "PreVote denied", "预投票：拒绝";
    SumRequestVote => "RequestVote for term {term} (last log entry {index}, term {lterm})", "RequestVote 请求投票，任期 {term}（最后日志条目：索引 {index}，任期 {lterm}）";
    SumVoteGranted => "Vote granted", "投票：同意";
    SumVoteDenied => "Vote denied", "投票：拒绝";
    SumHeartbeat => "Heartbeat (leader commit {commit})", "心跳（领导者提交索引 {commit}）";
    SumAppendOne => "AppendEntries after {prev} (term {pterm}): 1 entry at {first}, leader commit {commit}", "AppendEntries：接在 {prev}（任期 {pterm}）之后，1 个日志条目，位于 {first}，领导者提交索引 {commit}";
    SumAppendMany => "AppendEntries after {prev} (term {pterm}): {n} entries from {first}, leader commit {commit}", "AppendEntries：接在 {prev}（任期 {pterm}）之后，从 {first} 起共 {n} 个日志条目，领导者提交索引 {commit}";
    SumAppendOk => "Append succeeded, log matches up to {index}", "追加成功，日志匹配至 {index}";
    SumAppendRejected => "Append rejected: logs disagree at {index} (follower suggests {hint}, term {hterm})", "追加被拒绝：日志在 {index} 处不一致（跟随者建议从 {hint} 重试，任期 {hterm}）";
    SumAppendRejectedBare => "Append rejected", "追加被拒绝";
    SumSnapshot => "InstallSnapshot up to {index} (term {term}), {bytes} bytes", "InstallSnapshot 安装快照，覆盖至 {index}（任期 {term}），{bytes} 字节";
    SumSnapshotOk => "Snapshot installed up to {index}", "快照已安装至 {index}";
    SumTimeoutNow => "TimeoutNow: start an election at once", "TimeoutNow：立即发起选举";
    MsgFieldType => "type", "类型";
    MsgFieldFrom => "from", "发送方";
    MsgFieldTo => "to", "接收方";
    MsgFieldTerm => "term", "任期";
    Yes => "yes", "是";
    No => "no", "否";
    EntryShort => "{index} (term {term}) {label}", "{index}（任期 {term}）{label}";
    EntryNoop => "no-op", "空操作";
    ConfAddVoter => "add voter {node}", "添加投票者 {node}";
    ConfAddLearner => "add learner {node}", "添加学习者 {node}";
    ConfRemove => "remove {node}", "移除 {node}";
    ConfEnterJoint => "enter joint consensus: voters {voters}, learners {learners}", "进入联合共识：投票者 {voters}，学习者 {learners}";
    ConfLeaveJoint => "leave joint consensus", "退出联合共识";
    DropLost => "lost by the network", "被网络丢失";
    DropLinkCut => "the link is cut", "链路已切断";
    DropReceiverDown => "the receiver is crashed", "接收方已崩溃";
    DropByUser => "dropped by you", "被你丢弃";
    DropNoSuchNode => "no such node", "节点不存在";
    ProgProbe => "probe", "探测";
    ProgReplicate => "replicate", "复制";
    ProgSnapshot => "snapshot", "快照";
    InvElectionSafety => "Election Safety", "选举安全性";
    InvLeaderAppendOnly => "Leader Append-Only", "领导者只追加";
    InvLogMatching => "Log Matching", "日志匹配";
    InvLeaderCompleteness => "Leader Completeness", "领导者完整性";
    InvStateMachineSafety => "State Machine Safety", "状态机安全性";
    InvCommittedOnQuorum => "Committed on a Quorum", "提交前已在多数派上持久化";
    InvMonotonicState => "Monotonic State", "状态单调";
    InvLinearizability => "Linearizability", "线性一致性";
    VLeaderTruncated => "leader {node} truncated its log from index {from}", "领导者 {node} 从索引 {from} 起截断了自己的日志";
    VDiffersFromCommitted => "{node} appended an entry at index {index} term {term} that differs from the committed entry with the same index and term", "{node} 在索引 {index}、任期 {term} 处追加的日志条目与索引和任期都相同的已提交条目不一致";
    VDiffersFromOther => "{node} has a different entry at index {index} term {term} than another node", "{node} 在索引 {index}、任期 {term} 处的日志条目与另一个节点的不同";
    VPrevTermDiffers => "{node}'s entry at index {index} term {term} follows term {prev} but another log has it after term {other}", "{node} 在索引 {index}、任期 {term} 处的条目前面是任期 {prev} 的条目，而另一份日志中它前面是任期 {other} 的条目";
    VAppliedDiffers => "{node} applied entry {index} of term {term} but index {index} was already committed with term {committed} and different contents", "{node} 应用了任期 {term} 的条目 {index}，但索引 {index} 已经以任期 {committed} 提交了不同的内容";
    VSnapshotUnreadable => "{node} received a snapshot it cannot decode", "{node} 收到了无法解码的快照";
    VNotOnQuorum => "leader {node} committed index {index} (term {term}) but it is durable on fewer than a majority", "领导者 {node} 提交了索引 {index}（任期 {term}），但该条目只在不到多数的节点上持久化";
    VDurableTermBack => "{node}'s durable term went back from {from} to {to}", "{node} 持久化的任期从 {from} 回退到了 {to}";
    VTermBack => "{node}'s term went back from {from} to {to}", "{node} 的任期从 {from} 回退到了 {to}";
    VCommitBack => "{node}'s commit index went back from {from} to {to}", "{node} 的提交索引从 {from} 回退到了 {to}";
    VAppliedBack => "{node}'s applied index went back from {from} to {to}", "{node} 的应用索引从 {from} 回退到了 {to}";
    VTwoLeaders => "{a} and {b} were both leader in term {term}", "{a} 和 {b} 在任期 {term} 中同时是领导者";
    VLeaderIncomplete => "{node} became leader of term {term} without committed entry {index} (term {want}); at that index its log has {have}", "{node} 成为任期 {term} 的领导者，却缺少已提交的条目 {index}（任期 {want}）；它的日志在该索引处{have}";
    VHaveTerm => "an entry of term {term}", "是任期 {term} 的条目";
    VHaveNothing => "nothing", "没有条目";
    VNotLinearizableWhy => "the history of key {key} is not linearizable: {op}, sent at {sent}, returned {result} at {done}, and no order of the operations on {key} explains that answer (the longest order that works places {placed} operations and leaves {state})",
        "键 {key} 的操作历史不满足线性一致性：{op} 在 {sent} 发出，在 {done} 返回 {result}，但 {key} 上的任何操作顺序都解释不了这个结果（能成立的最长顺序排入 {placed} 个操作，之后 {state}）";
    VNotLinearizableWhyOpen => "the history of key {key} is not linearizable: {op}, sent at {sent} and never answered, fits no order of the operations on {key} (the longest order that works places {placed} operations and leaves {state})",
        "键 {key} 的操作历史不满足线性一致性：{op} 在 {sent} 发出且没有得到回复，它放不进 {key} 上的任何操作顺序（能成立的最长顺序排入 {placed} 个操作，之后 {state}）";
    VKeyUnset => "{key} unset", "{key} 未设置";
    VNotLinearizable => "the history of key {key} is not linearizable: no order of its operations explains every result", "键 {key} 的操作历史不满足线性一致性：没有任何操作顺序能解释所有结果";
    VHistoryBookkeeping => "the client history's bookkeeping failed (a simulator bug)", "客户端历史记录出错（模拟器的程序错误）";
    ViolationWhen => "t = {t} s, event #{event}", "t = {t} 秒，第 {event} 个事件";
    MarkViolation => "{name} violated: {detail}", "{name} 被违反：{detail}";
    DoCrash => "crash {node}", "{node} 崩溃";
    DoRestart => "restart {node}", "重启 {node}";
    DoPause => "pause {node}", "暂停 {node}";
    DoResume => "resume {node}", "恢复 {node}";
    DoCampaign => "force {node} to time out", "让 {node} 立即超时";
    DoTransfer => "transfer leadership to {node}", "把领导权转移给 {node}";
    DoAddVoter => "add a node (voter)", "添加节点（投票者）";
    DoAddLearner => "add a node (learner)", "添加节点（学习者）";
    DoPromote => "promote {node} to voter", "把 {node} 提升为投票者";
    DoRemove => "remove {node}", "移除 {node}";
    DoJoint => "joint consensus change to voters {voters}", "联合共识变更，新投票者 {voters}";
    DoCompact => "compact {node}'s log", "压缩 {node} 的日志";
    DoPartition => "partition {groups}", "网络分区 {groups}";
    DoCut => "cut {from} → {to}", "切断 {from} → {to}";
    DoHeal => "heal {from} → {to}", "恢复 {from} → {to}";
    DoHealAll => "heal all links", "恢复所有链路";
    DoHold => "hold {msg}", "扣留 {msg}";
    DoRelease => "release {msg}", "放行 {msg}";
    DoDrop => "drop {msg}", "丢弃 {msg}";
    DoNetwork => "change the network settings", "更改网络设置";
    DoLink => "change the settings of link {from} → {to}", "更改链路 {from} → {to} 的设置";
    DoWorkload => "background clients at {ops} ops/s", "后台客户端 {ops} 次/秒";
    DoClient => "your client: {op}", "你的客户端：{op}";
    DoClientVia => "your client: {op} via {node}", "你的客户端：{op}（经由 {node}）";
    ResOk => "ok", "成功";
    ResValue => "value {value}", "值 {value}";
    ResNoKey => "error 20: the key does not exist", "错误 20：键不存在";
    ResPrecondition => "error 22: precondition failed (current value {value})", "错误 22：前置条件不成立（当前值 {value}）";
    PeNotLeader => "not the leader", "不是领导者";
    PeTransfer => "a leadership transfer is in progress", "正在转移领导权";
    PeConfPending => "a configuration change is still pending", "仍有未提交的配置变更";
    PeInvalidConf => "the change does not apply to the current configuration", "该变更不适用于当前配置";
    PeNotReady => "the leader has not committed an entry of its own term yet", "领导者尚未提交本任期的日志条目";
    ErrNoSuchNode => "there is no node {node}", "不存在节点 {node}";
    ErrNoLeader => "there is no leader right now; try again once one is elected", "当前没有领导者；请在选出领导者后重试";
    ErrConfig => "invalid settings: {detail}", "设置无效：{detail}";
    RefAlreadyCrashed => "{node} is already crashed", "{node} 已经崩溃";
    RefNotCrashed => "{node} is not crashed", "{node} 没有崩溃";
    RefNotRunning => "{node} is not running", "{node} 没有在运行";
    RefNotPaused => "{node} is not paused", "{node} 没有被暂停";
    RefCannotRestart => "{node} cannot restart from its disk state", "{node} 无法从磁盘状态重启";
    RefSnapshotUnreadable => "{node}'s snapshot on disk is unreadable", "{node} 磁盘上的快照无法读取";
    RefTransfer => "cannot transfer leadership to {node}: {why}", "无法把领导权转移给 {node}：{why}";
    RefCompact => "{node} cannot compact its log now (only entries that are applied and on disk can be)", "{node} 现在无法压缩日志（只有已应用且已写入磁盘的条目才能压缩）";
    RefConf => "configuration change refused: {why}", "配置变更被拒绝：{why}";
    RefNotInFlight => "{msg} is no longer in flight", "{msg} 已不在传输中";
    RefNotHeld => "{msg} is not held", "{msg} 没有被扣留";
    DoSkew => "{node}'s clock set {ms} ms off", "{node} 的时钟偏移 {ms} 毫秒";
    RefSkew => "clock skew is limited to ±{max} s", "时钟偏移不能超过 ±{max} 秒";
    RefNodeLimit => "this cluster holds at most {limit} nodes (removed ones count too), so no node can be added",
        "这个集群最多容纳 {limit} 个节点（已移除的也算在内），因此不能再添加节点";
    RefActionLimit => "a run records at most {limit} actions (so that it can be replayed): start a new run to go on",
        "一次运行最多记录 {limit} 次操作（以便重放）：请开始新的运行再继续";
    FlightHeading => "Messages in flight", "传输中的消息";
    FlightHelp => "Pick one to inspect, drop or hold it; picking pauses the run. Or press and hold on the drawing to freeze it, and release over a message.",
        "选择一条消息即可查看、丢弃或扣留它，选择时运行会暂停。也可以在集群图上按住鼠标冻结画面，再在某条消息上松开。";
    FlightNone => "No messages in the air right now.", "此刻没有正在传输的消息。";
    FlightLine => "{id} {kind}: {from} → {to}", "{id} {kind}：{from} → {to}";
    FlightMore => "and {n} more", "另有 {n} 条";
    SetErrLatency => "latency min ({min} ms) is above latency max ({max} ms)", "最小延迟（{min} 毫秒）大于最大延迟（{max} 毫秒）";
    SetErrElection => "election timeout max ({max} ms) is below its min ({min} ms)", "选举超时最大值（{max} 毫秒）小于最小值（{min} 毫秒）";
    SetErrHeartbeat => "the election timeout min ({min} ms) must be longer than the heartbeat interval ({hb} ms)", "选举超时最小值（{min} 毫秒）必须大于心跳间隔（{hb} 毫秒）";
    // Panels
    ClusterHeading => "Cluster", "集群";
    RecentHeading => "What just happened", "刚刚发生了什么";
    LogHeading => "Logs", "日志";
    LogHelp => "One row per node. Solid cells are committed, outlined cells are not yet. Colour and T-number show the entry's term.",
        "每行一个节点。实心格已提交，空心格尚未提交。颜色和 T 数字表示条目的任期。";
    LogNext => "next", "next";
    LogMatch => "match", "match";
    LogNextTitle => "leader's nextIndex for this follower (the next entry it will send it)", "领导者为该跟随者记录的 nextIndex（下一个要发给它的条目）";
    LogMatchTitle => "leader's matchIndex for this follower (the last entry known to be on it)", "领导者为该跟随者记录的 matchIndex（已知它保存的最后一个条目）";
    LogSnapshot => "snapshot ≤{index}", "快照 ≤{index}";
    LogSnapshotTitle => "entries up to {index} (term {term}) were compacted into a snapshot", "{index} 及之前的条目（任期 {term}）已压缩为快照";
    LogCommitted => "committed", "已提交";
    LogUncommitted => "not committed yet", "尚未提交";
    LogEntryTitle => "index {index}, term {term}: {label} ({state})", "索引 {index}，任期 {term}：{label}（{state}）";
    KvHeading => "State machines (key → value)", "状态机（键 → 值）";
    KvEmpty => "empty", "空";
    KvApplied => "applied up to {index}", "已应用至 {index}";
    ClientHeading => "Client", "客户端";
    ClientHelp => "Send your own command. It goes to the node you pick (or the presumed leader); followers redirect, silence means timeout and retry.",
        "发送你自己的命令。它会发往你选择的节点（或推测的领导者）；跟随者会重定向，没有回应则超时重试。";
    ClientOp => "Operation", "操作";
    ClientKey => "Key", "键";
    ClientValue => "Value", "值";
    ClientFrom => "Expected (CAS from)", "期望值（CAS 原值）";
    ClientVia => "Send via", "发送到";
    ClientViaAny => "presumed leader", "推测的领导者";
    ClientSend => "Send", "发送";
    ClientNone => "No commands from you yet.", "你还没有发送命令。";
    ClientSent => "{op}: sent to {node} (attempt {attempt})", "{op}：发往 {node}（第 {attempt} 次）";
    ClientRedirected => "{op}: {from} is not the leader, redirected to {hint}", "{op}：{from} 不是领导者，重定向到 {hint}";
    ClientRedirectedNone => "{op}: {from} is not the leader and knows none; retrying", "{op}：{from} 不是领导者且不知道谁是；重试";
    ClientRejected => "{op}: {from} refused ({reason})", "{op}：{from} 拒绝（{reason}）";
    ClientTimedOut => "{op}: no answer from {node} (attempt {attempt}); retrying", "{op}：{node} 无回应（第 {attempt} 次）；重试";
    ClientCompleted => "{op}: {result} from {node} after {ms} ms", "{op}：{node} 返回 {result}，耗时 {ms} 毫秒";
    ClientGaveUp => "{op}: gave up after {attempts} attempts (outcome unknown)", "{op}：{attempts} 次后放弃（结果未知）";
    WorkloadLabel => "Background clients (ops/s)", "后台客户端（次/秒）";
    // Inspector
    InspectorHeading => "Inspector", "检查器";
    InspectorEmpty => "Click a node, a link or a message (or press 1–9) to inspect it and act on it.",
        "点击节点、链路或消息（或按 1–9）来查看并操作它。";
    ActionsFor => "Actions for {node}", "对 {node} 的操作";
    ActCrash => "Crash", "崩溃";
    ActRestart => "Restart", "重启";
    ActPause => "Pause process", "暂停进程";
    ActResume => "Resume process", "恢复进程";
    ActCampaign => "Force timeout (campaign)", "强制超时（竞选）";
    ActTransfer => "Transfer leadership here", "把领导权转移到这里";
    ActRemove => "Remove from cluster", "从集群移除";
    ActPromote => "Promote to voter", "提升为投票者";
    ActCompact => "Compact log (snapshot)", "压缩日志（快照）";
    ActAddVoter => "Add node (voter)", "添加节点（投票者）";
    ActAddLearner => "Add node (learner)", "添加节点（学习者）";
    ActDrop => "Drop it", "丢弃";
    ActHold => "Hold it", "扣留";
    ActRelease => "Release it", "放行";
    ActCut => "Cut {from} → {to}", "切断 {from} → {to}";
    ActHeal => "Heal {from} → {to}", "恢复 {from} → {to}";
    FieldTerm => "current term", "当前任期";
    FieldVote => "voted for", "投票给";
    FieldRole => "role", "角色";
    FieldStatus => "process", "进程";
    FieldLeader => "known leader", "已知领导者";
    FieldCommit => "commit index", "提交索引";
    FieldApplied => "applied index", "应用索引";
    FieldLast => "last log index", "最后日志索引";
    FieldSnapshot => "snapshot", "快照";
    FieldConfig => "configuration", "集群配置";
    FieldVotes => "votes received", "收到的选票";
    FieldTimer => "election timer", "选举计时器";
    FieldIncarnation => "restarts", "重启次数";
    FieldDurable => "durable (on disk, survives a crash)", "持久（在磁盘上，崩溃后保留）";
    FieldVolatile => "volatile (lost on crash)", "易失（崩溃后丢失）";
    FieldPeer => "peer", "节点";
    FieldNext => "nextIndex", "nextIndex";
    FieldMatch => "matchIndex", "matchIndex";
    FieldState => "state", "状态";
    FieldNone => "none", "无";
    FieldUp => "running", "运行中";
    FieldVoters => "voters {list}", "投票者 {list}";
    FieldLearners => "learners {list}", "学习者 {list}";
    FieldJoint => "joint with old voters {list}", "与旧投票者 {list} 联合";
    TimerIn => "fires in {ms} ms", "{ms} 毫秒后触发";
    MessageHeading => "Message {id}", "消息 {id}";
    MessageGone => "This message has been delivered or lost.", "这条消息已送达或丢失。";
    LinkHeading => "Link {a} ↔ {b}", "链路 {a} ↔ {b}";
    LinkHelp => "Each direction can be cut on its own: a one-way cut lets messages through one way only.",
        "每个方向可以单独切断：单向切断时消息只能单向通过。";
    // Network
    NetworkHeading => "Network and faults", "网络与故障";
    Latency => "Latency {min}–{max} ms", "延迟 {min}–{max} 毫秒";
    DropRate => "Drop rate {pct}%", "丢包率 {pct}%";
    DupRate => "Duplicate rate {pct}%", "重复率 {pct}%";
    PartitionHeading => "Partition", "网络分区";
    PartitionHelp => "Click nodes to put them in group A or B, then apply: links between groups are cut.",
        "点击节点把它分到 A 组或 B 组，然后应用：组间链路会被切断。";
    PartitionApply => "Apply partition", "应用分区";
    HealAll => "Heal all links", "恢复所有链路";
    GroupLabel => "{node} in group {group}", "{node} 在 {group} 组";
    // Checker
    CheckerOk => "✓ {n} invariants hold", "✓ {n} 条不变式成立";
    CheckerBad => "✗ {name} violated", "✗ {name} 被违反";
    CheckerJump => "Jump to the event", "跳到该事件";
    CheckerUndecided => "✓ {n} invariants hold · linearizability undecided", "✓ {n} 条不变式成立 · 线性一致性未判定";
    CheckerUndecidedItem => "? {name}: undecided", "? {name}：未判定";
    UndecidedSteps => "at {t}, the search for an order of the operations on key {key} used up its budget of {steps} steps: the history is not proven linearizable (later violations are still caught)",
        "在 {t}，为键 {key} 的操作寻找顺序的搜索用完了 {steps} 步的预算：这段历史未能证明满足线性一致性（之后的违规仍会被发现）";
    UndecidedConfigs => "at {t}, key {key} could have been in more than {n} states at once, too many to follow: the history is not proven linearizable (later violations are still caught)",
        "在 {t}，键 {key} 可能同时处于超过 {n} 种状态，多到无法逐一跟踪：这段历史未能证明满足线性一致性（之后的违规仍会被发现）";
    UndecidedInFlight => "at {t}, more than {n} operations on key {key} were in flight at once, too many to follow: the history is not proven linearizable (later violations are still caught)",
        "在 {t}，键 {key} 上同时进行中的操作超过 {n} 个，多到无法逐一跟踪：这段历史未能证明满足线性一致性（之后的违规仍会被发现）";
    // Settings
    SettingsHeading => "Settings", "设置";
    SettingsHelp => "Changing settings restarts the run with the same seed.", "更改设置会用同一个种子重新开始运行。";
    SetNodes => "Nodes", "节点数";
    SetElectionMin => "Election timeout min (ms)", "选举超时最小值（毫秒）";
    SetElectionMax => "Election timeout max (ms)", "选举超时最大值（毫秒）";
    SetHeartbeat => "Heartbeat interval (ms)", "心跳间隔（毫秒）";
    SetLatencyMin => "Latency min (ms)", "最小延迟（毫秒）";
    SetLatencyMax => "Latency max (ms)", "最大延迟（毫秒）";
    SetPreVote => "PreVote (thesis §9.6)", "PreVote（论文 §9.6）";
    SetCheckQuorum => "CheckQuorum (thesis §6.2)", "CheckQuorum（论文 §6.2）";
    SetSeed => "Seed", "随机种子";
    SetRandomSeed => "New random seed", "新的随机种子";
    SetApply => "Restart with these settings", "用这些设置重新开始";
    SetReset => "Reset to defaults", "恢复默认值";
    BugsHeading => "Bug switches (break Raft on purpose)", "故障开关（故意破坏 Raft）";
    BugCommitPrior => "Commit earlier-term entries by counting (Figure 8)", "按副本数提交旧任期条目（图 8）";
    BugVoteNoLog => "Vote without the up-to-date log check", "投票时不检查日志是否最新";
    BugForgetVote => "Forget the vote on restart", "重启时忘记投票";
    BugTruncate => "Truncate the log on every AppendEntries", "每次 AppendEntries 都截断日志";
    BugIgnoreHigher => "Leader ignores higher terms", "领导者忽略更高任期";
    BugReadNoQuorum => "ReadIndex without a quorum", "ReadIndex 不确认多数派";
    BugApplyUncommitted => "Apply entries before they commit", "条目提交前就应用";
    // Legend & help
    LegendHeading => "Legend", "图例";
    LegendTimer => "election timer: the arc drains; when it empties the node starts an election",
        "选举计时器：圆弧逐渐消失；耗尽时节点发起选举";
    LegendCut => "cut link (one direction)", "切断的链路（单向）";
    HelpHeading => "How to use Raftlab", "如何使用 Raftlab";
    HelpIntro => "Five servers agree on a log of commands. One is elected leader; it copies each command to the others and commits it once a majority has it. Crash nodes, cut links or partition the network and watch Raft elect a new leader and repair the logs.",
        "五台服务器就一份命令日志达成一致。其中一台被选为领导者，它把每条命令复制给其他节点，多数节点拥有后即提交。试着让节点崩溃、切断链路或分区网络，看 Raft 如何选出新领导者并修复日志。";
    HelpKeys => "Keyboard shortcuts", "键盘快捷键";
    KeySpace => "play / pause", "播放 / 暂停";
    KeyDot => "step one event", "前进一个事件";
    KeyArrows => "scrub back / forward 20 ms (Shift: 200 ms)", "时间线后退 / 前进 20 毫秒（Shift：200 毫秒）";
    KeyDigits => "select node 1–9", "选择节点 1–9";
    KeyC => "crash / restart the selected node", "让选中的节点崩溃 / 重启";
    KeyP => "pause / resume the selected node", "暂停 / 恢复选中的节点";
    KeyT => "force the selected node to time out", "让选中的节点立即超时";
    KeyL => "transfer leadership to the selected node", "把领导权转移给选中的节点";
    KeyPlusMinus => "faster / slower", "加速 / 减速";
    KeyEsc => "clear the selection, close this help", "取消选择，关闭帮助";
    KeyQuestion => "show / hide this help", "显示 / 隐藏帮助";
    KeyN => "next stop of a guided tour", "导览的下一步";
    Close => "Close", "关闭";
    // Errors
    ParamBanner => "Some address parameters were ignored:", "部分地址参数已被忽略：";
    ParamBad => "{param}={value}: {reason}", "{param}={value}：{reason}";
    ParamWhole => "must be a whole number between {min} and {max}", "必须是 {min} 到 {max} 之间的整数";
    ParamNumber => "must be a number between {min} and {max} ({unit})", "必须是 {min} 到 {max} 之间的数（{unit}）";
    ParamNumberOrOff => "must be 0 (off) or a number between {min} and {max} ({unit})",
        "必须是 0（关闭）或 {min} 到 {max} 之间的数（{unit}）";
    UnitTimes => "×", "倍";
    UnitOpsPerSec => "ops/s", "次操作/秒";
    ParamUnknown => "unknown parameter", "未知参数";
    ParamOneOf => "must be one of {values}", "必须是以下之一：{values}";
    ParamReset => "Open the default page", "打开默认页面";
    ActionFailed => "Could not do that: {reason}", "无法执行：{reason}";
    FatalTitle => "Raftlab crashed. This is a bug; the details are in the browser console.",
        "Raftlab 崩溃了。这是一个程序错误，详情见浏览器控制台。";
    FatalReload => "Reload the page", "重新加载页面";
    Announce => "{node} is now leader of term {term}", "{node} 成为任期 {term} 的领导者";
    AnnounceNoLeader => "No leader: {node} stopped leading", "无领导者：{node} 不再担任领导者";
    AnnounceCommit => "Committed up to entry {index}", "已提交至第 {index} 条";
    MessagesTooFast => "{n} messages in the air land too fast to draw at this speed; slow down to watch them",
        "{n} 条消息在此速度下转瞬即达，未绘制；放慢速度即可看到";
    // Guided tours
    TourButton => "Guided tours", "导览教程";
    TourButtonHelp => "Step-by-step tours of Raft: elections, replication, failures, the commit rule, membership changes, log compaction, clients and reads",
        "分步讲解 Raft：选举、日志复制、故障、提交规则、成员变更、日志压缩、客户端与读操作";
    TourMenuHeading => "Guided tours", "导览教程";
    TourMenuIntro => "Each tour starts its own cluster and explains what happens, stop by stop. The cluster keeps running while you read; every claim is checked live (✓).",
        "每个导览都会启动自己的集群，一步一步讲解发生了什么。你阅读时集群仍在运行；每个论断都会实时验证（✓）。";
    TourStops => "{n} stops", "共 {n} 步";
    TourStopOf => "Stop {stop} of {stops}", "第 {stop} 步，共 {stops} 步";
    TourRunning => "Running…", "运行中……";
    TourNext => "Next", "下一步";
    TourBack => "Back", "上一步";
    TourReplay => "Replay this stop", "重放这一步";
    TourSkip => "Skip to the end of this stop", "跳到这一步的结尾";
    TourSkipShort => "Skip", "跳过";
    TourEnd => "End tour", "结束导览";
    TourDone => "End of the tour. The cluster is yours now: crash nodes, cut links, send commands.",
        "导览结束。现在集群交给你了：让节点崩溃、切断链路、发送命令吧。";
    TourScript => "What the script did", "脚本做了什么";
    TourCheckOk => "holds", "成立";
    TourCheckFailed => "did not hold", "不成立";
    TourOutLeader => "leader {node} (term {term})", "领导者 {node}（任期 {term}）";
    TourOutCommitted => "committed {index}", "索引 {index} 已提交";
    TourOutCrashed => "crashed {node}", "{node} 已崩溃";
    TourOutRestarted => "restarted {node}", "{node} 已重启";
    TourOutAlreadyRunning => "{node} is already running", "{node} 已在运行";
    TourOutPaused => "paused {node}", "{node} 已暂停";
    TourOutResumed => "resumed {node}", "{node} 已恢复";
    TourOutIsolated => "isolated {node}", "{node} 已被隔离";
    TourLoadFailed => "The guided tours could not be loaded: {reason}", "导览教程加载失败：{reason}";
    TourInvite => "New to Raft? Take the guided tour", "第一次接触 Raft？跟着导览走一遍";
    // --- more tours, stop counts, durations and topics (issue 15) ---
    DoSwitches => "change the protocol options", "更改协议选项";
    TourLength => "{stops} stops · about {min} min", "共 {stops} 步 · 约 {min} 分钟";
    TourOutStopped => "stopped: {name} violated", "运行已停止：{name} 被违反";
    TopicElection => "Leader election", "领导者选举";
    TopicReplication => "Log replication and failures", "日志复制与故障";
    TopicSafety => "Safety", "安全性";
    TopicMembership => "Changing the cluster", "集群变更";
    TopicCompaction => "Log compaction", "日志压缩";
    TopicClients => "Clients and reads", "客户端与读操作";
    TopicOther => "More tours", "更多导览";
    // --- page weight (issue 16): tours fetched when opened ---
    TourLoading => "Loading the tours…", "正在加载导览……";
    // --- classroom exercises and hand-driven delivery (issue 13) ---
    DoHandOn => "hand-driven delivery on", "开启手动投递";
    DoHandOff => "hand-driven delivery off", "关闭手动投递";
    DoDeliver => "deliver {msg}", "投递 {msg}";
    DoDuplicate => "duplicate {msg}", "复制 {msg}";
    DoFireTimer => "fire {node}'s timer", "触发 {node} 的计时器";
    RefNoTimer => "{node} has no timer running", "{node} 没有正在运行的计时器";
    RefHandOff => "hand-driven delivery is off", "手动投递未开启";
    RefHandOn => "hand-driven delivery is on: deliver, drop or duplicate the message instead",
        "手动投递已开启：请改为投递、丢弃或复制该消息";
    RefNotAllowed => "this exercise does not allow this: {tool}", "本练习不允许这样做：{tool}";
    ExButton => "Exercises", "练习";
    ExButtonHelp => "Classroom exercises: a goal, live checks, hints and a score", "课堂练习：目标、实时检查、提示和得分";
    ExMenuHeading => "Classroom exercises", "课堂练习";
    ExMenuIntro => "Each exercise starts a cluster of its own and asks you to reach a goal with the tools it allows. The checks run live on the cluster.",
        "每个练习都会启动一个独立的集群，要求你用允许的工具达成目标。检查会在集群上实时进行。";
    ExTrackWork => "Make it work", "让它正常工作";
    ExTrackBreak => "Break it", "把它弄坏";
    ExSolvedMark => "solved", "已完成";
    ExImport => "Open an exercise file…", "打开练习文件……";
    ExHandFree => "Free play with hand-driven delivery", "自由练习：手动投递";
    ExGoal => "Goal", "目标";
    ExTools => "You may use", "可以使用";
    ExLimits => "Limits: {actions} actions, {ms} ms of virtual time", "限制：{actions} 次操作，{ms} 毫秒虚拟时间";
    ExUsed => "Used so far: {actions} actions, {ms} ms", "目前已用：{actions} 次操作，{ms} 毫秒";
    ExHintButton => "Show a hint ({n} of {total})", "显示提示（第 {n} 条，共 {total} 条）";
    ExHintsDone => "No more hints.", "没有更多提示了。";
    ExSolvedBanner => "Goal reached with {actions} actions and {ms} ms. The reference solution takes {ref_actions} actions and {ref_ms} ms.",
        "目标达成：用了 {actions} 次操作、{ms} 毫秒。参考解法用了 {ref_actions} 次操作、{ref_ms} 毫秒。";
    ExOverLimit => "Over the limit: restart the exercise and find a shorter way.", "超出限制：请重新开始练习，找一种更短的做法。";
    ExRestart => "Restart exercise", "重新开始练习";
    ExLeave => "Leave exercise", "退出练习";
    ExShareLink => "Link to this exercise", "本练习的链接";
    ExSolutionLink => "Link to your solution (replays your run)", "你的解答的链接（重放你的操作）";
    ExNotFound => "There is no built-in exercise {id}.", "没有名为 {id} 的内置练习。";
    ExLoading => "Loading the exercises…", "正在加载练习……";
    ExLoadFailed => "The exercises could not be loaded: {reason}", "练习加载失败：{reason}";
    ExFileBad => "This exercise file cannot be used:", "这个练习文件无法使用：";
    ExSettingsChanged => "The settings changed, so the exercise was left.", "设置已更改，因此已退出练习。";
    ExLine => "Line {line}: {what}", "第 {line} 行：{what}";
    ExLineCol => "Line {line}, column {col}: {what}", "第 {line} 行第 {col} 列：{what}";
    ExPScript => "this line cannot be read ({detail})", "这一行无法解析（{detail}）";
    ExPNoTitle => "there is no title in {lang} (exercise {tag} …)", "缺少{lang}标题（exercise {tag} …）";
    ExPNoText => "there is no task text in {lang} (text {tag} …)", "缺少{lang}题目说明（text {tag} …）";
    ExPHints => "{en} English hints but {zh} Chinese hints: each hint needs both languages", "英文提示有 {en} 条，中文提示却有 {zh} 条：每条提示都需要两种语言";
    ExPNoTrack => "there is no track line (track make-it-work or track break-it)", "缺少类别行（track make-it-work 或 track break-it）";
    ExPTwice => "{what} is given twice", "{what} 重复出现";
    ExPNoTools => "there is no allow line naming the tools the student may use", "缺少列出学生可用工具的 allow 行";
    ExPNoLimit => "there is no limit {what} line", "缺少 limit {what} 行";
    ExPNoGoal => "there is no goal line", "缺少 goal 行";
    ExPNoSolution => "there is no solution line", "缺少 solution 行";
    ExPSetupLate => "setup (nodes, seed, set) must come before the first action of the starting script", "设置（nodes、seed、set）必须放在起始脚本的第一个操作之前";
    ExPNarration => "say and tour lines belong in guided tours, not in exercises", "say 和 tour 行属于导览，不能用在练习里";
    ExPConfig => "the settings are refused ({detail})", "设置被拒绝（{detail}）";
    ExPStartFailed => "the starting script failed ({detail})", "起始脚本执行失败（{detail}）";
    ExPStartReaches => "the starting state already reaches the goal without any action", "起始状态不需要任何操作就已达成目标";
    ExPSolutionFailed => "the reference solution failed ({detail})", "参考解法执行失败（{detail}）";
    ExPSolutionTool => "the reference solution uses {tool}, which the allow line does not list", "参考解法用到了 {tool}，但 allow 行没有列出它";
    ExPSolutionMisses => "the reference solution never reaches the goal", "参考解法始终没有达成目标";
    ExPSolutionActions => "the reference solution takes {used} actions, over the limit of {limit}", "参考解法用了 {used} 次操作，超过了 {limit} 次的限制";
    ExPSolutionSlow => "the reference solution takes {used} ms, over the limit of {limit} ms", "参考解法用了 {used} 毫秒，超过了 {limit} 毫秒的限制";
    ExLangEn => "English", "英文";
    ExLangZh => "Chinese", "中文";
    ToolCrash => "crash", "崩溃";
    ToolRestart => "restart", "重启";
    ToolPause => "pause and resume", "暂停与恢复";
    ToolTimeout => "force a timeout", "强制超时";
    ToolTransfer => "leadership transfer", "领导权转移";
    ToolMembership => "membership changes", "成员变更";
    ToolCompact => "snapshot now", "立即快照";
    ToolPartition => "partitions and cuts", "分区与断链";
    ToolSkew => "clock skew", "时钟偏移";
    ToolClient => "client requests", "客户端请求";
    ToolWorkload => "background load", "后台负载";
    ToolNetwork => "network settings", "网络设置";
    ToolHold => "hold and release", "扣留与放行";
    ToolDrop => "drop a message", "丢弃消息";
    ToolDeliver => "deliver a message", "投递消息";
    ToolDuplicate => "duplicate a message", "复制消息";
    ToolFire => "fire a timer", "触发计时器";
    ToolHand => "hand-driven delivery on/off", "开关手动投递";
    ToolBugs => "bug switches", "错误开关";
    HandHeading => "Hand-driven delivery", "手动投递";
    HandIntro => "Every message waits in its receiver's queue, and no timer fires by itself: time moves only when you act.",
        "每条消息都在接收者的队列里等待，计时器也不会自己到期：只有你操作时时间才会前进。";
    HandQueue => "to {node}", "发往 {node}";
    HandEmpty => "nothing waiting", "没有等待的消息";
    HandDeliver => "Deliver", "投递";
    HandDrop => "Drop", "丢弃";
    HandDuplicate => "Duplicate", "复制";
    HandFire => "Fire {node}'s timer", "触发 {node} 的计时器";
    HandTimerAt => "its timer fires at {ms} ms", "计时器在 {ms} 毫秒到期";
    HandNoTimer => "no timer running", "没有运行中的计时器";
    HandTurnOn => "Turn hand-driven delivery on", "开启手动投递";
    HandTurnOff => "Turn hand-driven delivery off", "关闭手动投递";
    HandMessage => "from {from}: {what}", "来自 {from}：{what}";
    ExListSep => ", ", "、";
    // --- run links, trace files, embeds (issue 12) ---
    ShareHeading => "Share this run", "分享这次运行";
    ShareButton => "Share", "分享";
    ShareCopy => "Copy link", "复制链接";
    ShareCopyTitle => "Copy a link to this run: its settings, every action, where you stand, the open panels and the language (key S)",
        "复制这次运行的链接：设置、每个操作、当前位置、打开的面板和语言（按键 S）";
    ShareCopied => "Link copied: whoever opens it sees this run, paused here", "链接已复制：打开它的人会看到这次运行，并暂停在此处";
    ShareCopyByHand => "Copy this link by hand:", "请手动复制这个链接：";
    ShareLinkLabel => "Link to this run", "这次运行的链接";
    ShareExport => "Export trace", "导出轨迹";
    ShareExportTitle => "Download this run as a trace file (the same JSON the command line writes)",
        "把这次运行下载为轨迹文件（与命令行写出的 JSON 相同）";
    ShareImport => "Import trace", "导入轨迹";
    ShareImportTitle => "Open a trace file: pick one, drop one on the page, or paste its text",
        "打开轨迹文件：选择文件、拖放到页面上，或粘贴其文本";
    ImportHeading => "Import a trace", "导入轨迹";
    ImportFile => "Trace file", "轨迹文件";
    ImportPaste => "…or paste the trace's text", "……或粘贴轨迹的文本";
    ImportOpen => "Open", "打开";
    ImportCancel => "Cancel", "取消";
    ImportDrop => "Drop the trace file to open it", "松开以打开轨迹文件";
    ImportDone => "Opened the trace: {actions} actions, {time} of simulated time, paused at its end. Drag the timeline to go back.",
        "已打开轨迹：{actions} 个操作，模拟时间 {time}，暂停在结尾。拖动时间线即可回看。";
    ImportRefused => "This trace could not be opened: {why}", "无法打开这个轨迹：{why}";
    LinkOpened => "Opened the run from the link, paused where its author stood.", "已从链接打开这次运行，暂停在作者所在的位置。";
    LinkRefused => "This run link could not be opened, so the default page is shown instead: {why}",
        "无法打开这个运行链接，因此显示默认页面：{why}";
    BannerDismiss => "Dismiss", "关闭";
    LinkEmpty => "the link is empty", "链接为空";
    LinkTooLong => "the link is longer than {max} characters, the most Raftlab reads", "链接超过 {max} 个字符，超出本程序可读取的上限";
    LinkNotALink => "this is not a run link (character {at} does not belong in one)", "这不是运行链接（第 {at} 个字符不应出现在其中）";
    LinkFuture => "the link has format version {found}, but this page reads versions up to {supported}; open it with a newer Raftlab",
        "链接的格式版本为 {found}，本页面最多只能读取版本 {supported}；请用更新的版本打开";
    LinkTruncated => "the link is cut short: it has {have} of its {need} bytes; copy the whole link again",
        "链接被截断：只有 {need} 字节中的 {have} 字节；请重新复制完整链接";
    LinkChecksum => "the link is damaged (its checksum does not match); copy it again", "链接已损坏（校验和不匹配）；请重新复制";
    LinkDamaged => "the link is damaged: {why}", "链接已损坏：{why}";
    LinkReplay => "its run cannot be replayed: {why}", "其中的运行无法重放：{why}";
    LinkDiffers => "its run replays differently here than its author saw it; it was made with a different version of Raftlab",
        "这次运行在这里重放的结果与作者看到的不同；它是用另一个版本制作的";
    ReplayRefused => "action {number} was refused where the run puts it: {why}", "第 {number} 个操作在其位置被拒绝：{why}";
    ReplayOther => "the replay went astray: {why}", "重放出错：{why}";
    TraceIo => "the file cannot be read: {why}", "无法读取文件：{why}";
    TraceTooLarge => "the file is larger than {mib} MiB, the most the page reads", "文件超过 {mib} MiB，超出页面可读取的上限";
    TraceNotText => "it is not text (byte {at} is not UTF-8)", "它不是文本（第 {at} 字节不是 UTF-8）";
    TraceJson => "it is not valid JSON at line {line}, column {column}: {why}", "第 {line} 行第 {column} 列不是有效的 JSON：{why}";
    TraceNotATrace => "it is not a Raftlab trace: {why}", "它不是轨迹文件：{why}";
    TraceFuture => "it has trace format version {found}, but this page reads versions up to {supported}",
        "它的轨迹格式版本为 {found}，本页面最多只能读取版本 {supported}";
    TraceField => "the field {field} is wrong (line {line}, column {column}): {why}", "字段 {field} 有误（第 {line} 行第 {column} 列）：{why}";
    TraceInvalid => "its content does not make a run: {why}", "其内容构不成一次运行：{why}";
    TraceTooManyNodes => "it starts with {nodes} nodes; the page draws at most {max}", "它从 {nodes} 个节点开始；页面最多绘制 {max} 个";
    EmbedOpen => "Open in Raftlab", "在完整页面中打开";
    EmbedOpenTitle => "Open this run in the full Raftlab page, in a new tab", "在新标签页的完整页面中打开这次运行";
    EmbedCaption => "Raft consensus, live: a simulated cluster you can break", "实时运行的 Raft 共识：一个可以随意破坏的模拟集群";
    // --- first screen layout, explanations in place (issue 11) ---
    DockLabel => "Panels", "面板";
    KvTab => "State machines", "状态机";
    NetworkTab => "Network & faults", "网络与故障";
    KvNodeColumn => "node", "节点";
    ExplainFollower => "A follower: it answers the leader and the candidates and does nothing on its own. The ring around it is its election timer: if no leader is heard from before it runs out, the follower stands for election.",
        "跟随者：只回应领导者和候选人，自己不主动做事。外圈是它的选举计时器：如果计时器走完之前没有收到领导者的消息，它就会参加选举。";
    ExplainPreCandidate => "A pre-candidate: its timer ran out, so it first asks the others whether they would vote for it (Pre-Vote), without raising its term. A server cut off from the rest cannot disrupt the cluster this way.",
        "预候选人：它的计时器走完了，于是先问其他节点是否愿意投票给它（预投票），而不提高任期。这样，被隔离的节点就无法扰乱集群。";
    ExplainCandidate => "A candidate: its timer ran out, so it started an election for a new term, voted for itself and asks the others for their votes. Votes from a majority make it leader.",
        "候选人：它的计时器走完了，于是为一个新任期发起选举，先投自己一票，再向其他节点拉票。得到多数票就成为领导者。";
    ExplainLeader => "The leader (★): it alone accepts clients' commands, appends them to its log and sends them to the others. Its regular heartbeats keep the followers from starting elections.",
        "领导者（★）：只有它接受客户端的命令，把命令追加到自己的日志并发送给其他节点。它定期发出的心跳让跟随者不去发起选举。";
    ExplainCrashed => "Crashed: the server is down. What it wrote to disk (its term, its vote and its log) survives; everything else is lost until it restarts.",
        "已崩溃：这台服务器停止了。它写到磁盘上的内容（任期、投票和日志）会保留下来，其余状态在重启前全部丢失。";
    ExplainPaused => "Paused: the server is alive but takes no steps, like a process stopped in a debugger. Messages to it wait.",
        "已暂停：服务器还在，但不执行任何步骤，就像被调试器停住的进程。发给它的消息会等待。";
    ExplainTerm => "“{label}” is its term: the numbered election period it believes in. Terms only grow, and each term has at most one leader.",
        "“{label}”是它的任期：它所认定的选举周期编号。任期只增不减，每个任期最多只有一个领导者。";
    ExplainVote => "“{label}”: in this term it gave its one vote to that server.", "“{label}”：在这个任期里，它把唯一的一票投给了那个节点。";
    ExplainNodeAct => "Click it to inspect it, crash or restart it.", "点击它可以查看详情、让它崩溃或重启。";
    ExplainChecker => "After every step the simulator checks Raft's safety properties (one leader per term, matching logs, no committed entry ever lost, every server applying the same commands) and that the clients saw one consistent history. Green: nothing has broken in this run.",
        "每一步之后，模拟器都会检查 Raft 的安全性质（每个任期最多一个领导者、日志一致、已提交的条目永不丢失、所有服务器执行相同的命令），并检查客户端看到的是一个一致的历史。绿色表示本次运行中没有任何性质被破坏。";
    ExplainRowHead => "{node}'s log, oldest entry on the left. “c{commit}” is its commit index: it knows entries up to {commit} are stored on a majority, so they are safe to apply.",
        "{node} 的日志，最旧的条目在左边。“c{commit}”是它的提交索引：它知道索引 {commit} 及之前的条目已保存在多数节点上，可以安全地执行。";
    ExplainVia => "Clients do not know who leads: they send to the server they last heard was leader (the presumed leader). A follower that knows better redirects the command.",
        "客户端并不知道谁是领导者：它把命令发给上次听说是领导者的节点（推测的领导者）。知道得更清楚的跟随者会把命令重定向。";
    HintHeading => "What am I looking at?", "这里显示的是什么？";
    HintBody => "Each circle is a server running Raft; the lines are the network, and the moving shapes are messages. Beside them, each server's log: the commands it stores, in order. Raft keeps these logs the same on a majority, even when servers crash. Hover over or tap any label to see what it means.",
        "每个圆圈是一台运行 Raft 的服务器；线条是网络，移动的图形是消息。旁边是每台服务器的日志：它按顺序保存的命令。即使有服务器崩溃，Raft 也能让多数服务器上的日志保持一致。把鼠标移到任何标签上（或点按它）即可看到它的含义。";
    HintTour => "Take the first tour", "开始第一个导览";
    HintDismiss => "Got it", "知道了";
    PowerCrash => "Crash {node}", "让 {node} 崩溃";
    PowerRestart => "Restart {node}", "重启 {node}";
    WaitTargetDown => "Waiting: {node} is down, so no answer comes; the client will time out and try another server.", "等待中：{node} 已停止，不会有回应；客户端会超时，然后换一台服务器重试。";
    WaitNoLeader => "Waiting: no leader. An election has to finish before any command can be committed.", "等待中：没有领导者。必须先完成一次选举，命令才能被提交。";
    WaitNotLeader => "Waiting: sent to {target}, which is not the leader ({leader} is); it will redirect the client.", "等待中：命令发给了 {target}，但它不是领导者（{leader} 才是），它会把客户端重定向。";
    WaitNoMajority => "Waiting for a majority: {reachable} of {voters} reachable from leader {leader}. The entry cannot commit until {need} servers store it.", "等待多数派：领导者 {leader} 能联系到的节点在 {voters} 个中只有 {reachable} 个。要有 {need} 台服务器保存这个条目，它才能提交。";
    WaitReplicating => "Waiting for a majority to store it: {reachable} of {voters} reachable, {need} needed.", "等待多数派保存它：{voters} 个中可联系 {reachable} 个，需要 {need} 个。";
    // --- time views: space-time diagram and client history (issue 14) ---
    StHeading => "Space-time diagram", "时空图";
    StHelp => "One lane per node, time running right (down on a phone). Each message is an arrow from send to delivery; ✕ marks a lost one. Coloured spans: candidate, leader (with the term). Click an arrow to go there; wheel or + − to zoom, drag or ← → to pan.", "每个节点一条泳道，时间向右（手机上向下）流动。每条消息是一支从发送到送达的箭头，✕ 表示丢失。彩色区段：候选人、领导者（标出任期）。点击箭头跳到那一刻；滚轮或 + − 缩放，拖动或 ← → 平移。";
    StZoomIn => "Zoom in", "放大";
    StZoomOut => "Zoom out", "缩小";
    StPanBack => "Earlier", "更早";
    StPanForward => "Later", "更晚";
    StFollow => "Follow the present", "跟随当前时刻";
    StExportSvg => "Save as SVG", "保存为 SVG";
    StSpanLabel => "Window: {span}", "时间窗：{span}";
    StCommitMark => "commit index advanced to {index}", "提交索引推进到 {index}";
    StSpanRole => "{node}: {role}, term {term}", "{node}：{role}，任期 {term}";
    StSpanCrashed => "{node}: crashed", "{node}：已崩溃";
    StSpanPaused => "{node}: paused", "{node}：已暂停";
    StRoleFollower => "follower", "跟随者";
    StRolePreCandidate => "pre-candidate", "预候选人";
    StRoleCandidate => "candidate", "候选人";
    StRoleLeader => "leader", "领导者";
    StDelivered => "delivered at {at}", "于 {at} 送达";
    StLost => "lost at {at} ({why})", "于 {at} 丢失（{why}）";
    StFlying => "still in flight", "仍在途中";
    StArrowTitle => "{kind} {from}→{to}, term {term}, sent at {sent}, {fate}", "{kind} {from}→{to}，任期 {term}，于 {sent} 发出，{fate}";
    StSummary => "From {from} to {to} on {nodes} lanes: {messages} messages ({lost} lost, {flying} in flight), {elections} new leaders, {actions} of your actions, {commits} commits.", "从 {from} 到 {to}，共 {nodes} 条泳道：{messages} 条消息（{lost} 条丢失，{flying} 条在途），{elections} 次选出新领导者，你的操作 {actions} 次，提交 {commits} 次。";
    StLeftOut => "{count} older messages in this window are not drawn; zoom in to see them.", "此时间窗内还有 {count} 条较早的消息未画出；放大即可看到。";
    StSelected => "Selected: {what}", "已选中：{what}";
    HiHeading => "Client history", "客户端历史";
    HiHelp => "One lane per client; each operation is a bar from call to answer, ticks mark its attempts. Green: answered; red: failed; grey hatched: gave up (outcome unknown). Click a bar to go to its answer.", "每个客户端一条泳道；每个操作是一根从调用到应答的条形，刻度标出每次尝试。绿色：已应答；红色：失败；灰色斜纹：已放弃（结果未知）。点击条形跳到它的应答时刻。";
    HiYou => "you", "你";
    HiClient => "client {id}", "客户端 {id}";
    HiOpPending => "{op} (waiting)", "{op}（等待中）";
    HiOpReturned => "{op} → {result}", "{op}，得到 {result}";
    HiOpGaveUp => "{op} → gave up, outcome unknown", "{op} → 已放弃，结果未知";
    HiOpTitle => "{id} {client}: {text}, from {from} to {to}, {attempts} attempts", "{id} {client}：{text}，从 {from} 到 {to}，尝试 {attempts} 次";
    HiHolds => "Linearizable so far: every answer fits one order of the operations.", "目前可线性化：每个应答都符合操作的某一种顺序。";
    HiUndecided => "Undecided for key {key} (the search ran out of budget at {at}); later violations are still caught.", "键 {key} 尚无定论（搜索在 {at} 用完预算）；之后的违规仍会被发现。";
    HiViolated => "Not linearizable: no order of the operations on key {key} explains every answer.", "不可线性化：键 {key} 上的操作没有任何顺序能解释所有应答。";
    HiBlocked => "Cannot be placed: {id} {op}", "无法放置的操作：{id} {op}";
    HiPrefix => "The longest order that works places {placed} operations (the last ones are outlined, numbered from the end).", "可行的最长顺序放置了 {placed} 个操作（最后几个加了轮廓，从末尾起编号）。";
    HiStateThere => "State there: {state}", "那时的状态：{state}";
    HiStateNeeded => "It would need: {state}", "它需要的状态：{state}";
    HiStateValue => "{key} = {value}", "{key} 的值为 {value}";
    HiStateUnset => "{key} unset", "{key} 未设置";
    HiStateNot => "{key} ≠ {value}", "{key} 的值不是 {value}";
    HiStateAnything => "any state: it ran at the wrong time, not with the wrong answer", "任何状态都可以：问题出在执行时间，而非应答内容";
    HiSeekHere => "Go there", "跳到这里";
    HiExportJson => "Export history (Porcupine JSON)", "导出历史（Porcupine JSON）";
    HiExportEdn => "Export history (Jepsen EDN)", "导出历史（Jepsen EDN）";
    HiExportHelp => "Download the whole client history of this run, to check it with Porcupine (JSON) or Knossos and Elle (EDN).", "下载本次运行的完整客户端历史，可用 Porcupine（JSON）或 Knossos、Elle（EDN）检查。";
    HiExportFailed => "The history could not be exported: {reason}", "历史导出失败：{reason}";
    HiSummary => "From {from} to {to}, {clients} clients: {ok} answered, {failed} failed, {unknown} gave up, {pending} waiting. {verdict}", "从 {from} 到 {to}，{clients} 个客户端：{ok} 个已应答，{failed} 个失败，{unknown} 个已放弃，{pending} 个等待中。{verdict}";
    HiEmpty => "No client operation in this window.", "此时间窗内没有客户端操作。";
    TvOpenDiagram => "Space-time diagram", "时空图";
    TvOpenHistory => "Client history", "客户端历史";
    // --- partitions by dragging nodes, phone fixes (issue 11 items 5, 6) ---
    DragNodeOutHint => "Drag {node} out of the ring to cut it off from the others", "把 {node} 拖出圆环，就能把它与其他节点隔开";
    DragNodeBackHint => "Drag {node} back into the ring to bring it back", "把 {node} 拖回圆环内，它就能重新与其他节点相连";
    DragNodeCuts => "Drop to cut {group} off from the others", "松开即可把 {group} 与其他节点隔开";
    DragNodeRejoins => "Drop to bring {node} back to {group}", "松开即可让 {node} 回到 {group} 这一组";
    DragNodeHeals => "Drop to heal the network: {node} rejoins the others", "松开即可修复网络：{node} 重新与其他节点相连";
    ExplainNodeGroup => "Drag it out of the ring (or press G) to cut it off from the others, a network partition; drag it back (or G again) to heal.",
        "把它拖出圆环（或按 G 键），就能把它与其他节点隔开，形成网络分区；把它拖回来（或再按一次 G 键）即可修复。";
    KeyG => "cut the focused or selected node off from the others / bring it back", "把获得焦点或选中的节点与其他节点隔开 / 让它回来";
    TourDoneViolation => "End of the tour: the world stopped at a violation. {violation}. Drag the timeline back to watch what led to it.",
        "导览结束：世界停在了一次违规上。{violation}。把时间线往回拖，就能看到它是怎么发生的。";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            out.push(rest[start..start + len + 1].to_string());
            rest = &rest[start + len + 1..];
        }
        out.sort();
        out
    }

    #[test]
    fn every_key_has_both_languages_with_the_same_slots() {
        for &k in K::ALL {
            let (e, z) = (Lang::En.t(k), Lang::Zh.t(k));
            assert!(!e.trim().is_empty(), "{k:?} has no English text");
            assert!(!z.trim().is_empty(), "{k:?} has no Chinese text");
            assert_eq!(slots(e), slots(z), "{k:?}: slots differ between en and zh");
        }
    }

    #[test]
    fn chinese_strings_are_translated_not_copied() {
        // Keys whose text is a proper name, a symbol or an API field name
        // may legitimately read the same in both languages.
        let same_ok = [
            K::Title,
            K::LogNext,
            K::LogMatch,
            K::FieldNext,
            K::FieldMatch,
        ];
        for &k in K::ALL {
            if same_ok.contains(&k) {
                continue;
            }
            assert_ne!(Lang::En.t(k), Lang::Zh.t(k), "{k:?} is not translated");
        }
    }

    #[test]
    fn slots_are_filled() {
        let s = Lang::En.f(K::Announce, &[("node", &"n3"), ("term", &2)]);
        assert_eq!(s, "n3 is now leader of term 2");
        let z = Lang::Zh.f(K::Announce, &[("node", &"n3"), ("term", &2)]);
        assert!(z.contains("n3") && z.contains('2'));
    }

    /// The one-pass `f` words every key exactly as replacing each slot in
    /// turn did, and leaves a slot no argument names as written.
    #[test]
    fn slots_fill_as_replacing_each_in_turn() {
        let names = ["node", "term", "index", "n", "reason", "ms", "t", "a", "b"];
        let values: Vec<String> = (0..names.len()).map(|i| format!("v{i}")).collect();
        let args: Vec<(&str, &dyn Display)> = names
            .iter()
            .zip(&values)
            .map(|(n, v)| (*n, v as &dyn Display))
            .collect();
        for lang in Lang::ALL {
            for &k in K::ALL {
                let mut want = lang.t(k).to_string();
                for (name, value) in &args {
                    want = want.replace(&format!("{{{name}}}"), &value.to_string());
                }
                assert_eq!(lang.f(k, &args), want, "{k:?}");
            }
        }
        assert_eq!(
            Lang::En.f(K::Announce, &[("term", &7)]),
            "{node} is now leader of term 7"
        );
    }

    #[test]
    fn language_tags_parse() {
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
