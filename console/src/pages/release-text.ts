/** The release pages' words in both languages, and the per-channel timeline they draw from a plan (pure). */
import type { Language } from '../i18n';

const en = {
  templates: 'Release templates',
  templatesIntro: 'Ordered milestones across channels; a plan applies one to a flag in one environment.',
  milestone: 'Milestone',
  hold: 'Hold',
  gates: 'Gates',
  approvalBy: 'approval by {who}',
  minExposed: 'at least {n} units exposed',
  safeguards: 'Safeguards',
  plan: 'Release plan',
  status: 'Status',
  current: 'Current milestone',
  none: 'none yet',
  timeline: 'Timeline per channel',
  rolledBack: 'rolled back',
  gateHold: 'Minimum hold: {elapsed} of {required} min',
  gateExposed: 'Exposed units: {observed} of {required}',
  gateSafeguards: 'Safeguards healthy',
  gateSafeguardsDegraded: 'Safeguards degraded: {which}',
  gateApproval: 'Approval of milestone {m} by {who}',
  gatePlan: 'Plan approved at its digest',
  passed: 'passed',
  waiting: 'waiting',
  evidence: 'Evidence',
  channel: 'Channel',
  check: 'Check',
  all: 'all channels',
  pause: 'Pause',
  resume: 'Resume',
  skip: 'Skip next milestone',
  abort: 'Abort',
  approve: 'Approve plan',
  noPlan: 'This flag has no release plan in this environment.',
  'status.pending-approval': 'waiting for approval',
  'status.active': 'active',
  'status.paused': 'paused',
  'status.completed': 'completed',
  'status.aborted': 'aborted',
  'check.ok': 'ok',
  'check.degraded': 'degraded',
  'check.insufficient-data': 'not enough data',
  lifecycle: 'Flag lifecycle',
  lifecycleIntro:
    'Each flag’s stage, from evidence (first evaluations seen per environment, rollout state, release plans) unless a person set it, and when a flag of its type is expected to be gone.',
  show: 'Show',
  allFlags: 'all flags',
  potentiallyStale: 'potentially stale',
  flag: 'Flag',
  type: 'Type',
  squad: 'Squad',
  stage: 'Stage',
  since: 'Since',
  setBy: 'set by {who}',
  derived: 'from evidence',
  expectedEnd: 'Expected gone by',
  staysForever: 'meant to stay',
  noFlags: 'No flags match.',
  'stage.initial': 'initial',
  'stage.pre-live': 'pre-live',
  'stage.live': 'live',
  'stage.completed': 'completed',
  'stage.archived': 'archived',
  cleanup: 'Cleanup report',
  cleanupIntro: 'Flags to remove from code: fully rolled out, or not evaluated anywhere for the days below.',
  unusedDays: 'Unused for (days)',
  reason: 'Reason',
  'reason.fully-rolled-out': 'fully rolled out',
  'reason.unused': 'unused',
  cleanupCount: '{n} flags to clean up',
  noCleanup: 'Nothing to clean up.',
  releasePages: 'Release pages',
  setStage: 'Set stage',
  setStageOf: 'Set the stage of {flag}',
  stageSet: 'Stage of {flag} set',
};

type Key = keyof typeof en;

const zhCN: Record<Key, string> = {
  templates: '发布模板',
  templatesIntro: '跨渠道的有序里程碑；发布计划把模板应用到某个环境中的一个开关。',
  milestone: '里程碑',
  hold: '最短停留',
  gates: '关卡',
  approvalBy: '需 {who} 审批',
  minExposed: '至少 {n} 个单元已曝光',
  safeguards: '安全防护',
  plan: '发布计划',
  status: '状态',
  current: '当前里程碑',
  none: '尚未开始',
  timeline: '各渠道时间线',
  rolledBack: '已回滚',
  gateHold: '最短停留：已 {elapsed} / {required} 分钟',
  gateExposed: '已曝光单元：{observed} / {required}',
  gateSafeguards: '安全防护正常',
  gateSafeguardsDegraded: '安全防护恶化：{which}',
  gateApproval: '里程碑 {m} 需 {who} 审批',
  gatePlan: '计划已按其摘要获批',
  passed: '已通过',
  waiting: '等待中',
  evidence: '证据',
  channel: '渠道',
  check: '检查',
  all: '全部渠道',
  pause: '暂停',
  resume: '继续',
  skip: '跳过下一个里程碑',
  abort: '中止',
  approve: '批准计划',
  noPlan: '该开关在此环境中没有发布计划。',
  'status.pending-approval': '等待审批',
  'status.active': '进行中',
  'status.paused': '已暂停',
  'status.completed': '已完成',
  'status.aborted': '已中止',
  'check.ok': '正常',
  'check.degraded': '恶化',
  'check.insufficient-data': '数据不足',
  lifecycle: '开关生命周期',
  lifecycleIntro:
    '每个开关所处的阶段：除非有人手动设定，均由证据得出（各环境首次出现的评估、发布状态、发布计划），并给出该类型开关预计下线的时间。',
  show: '显示',
  allFlags: '全部开关',
  potentiallyStale: '可能已过时',
  flag: '开关',
  type: '类型',
  squad: '团队',
  stage: '阶段',
  since: '起始时间',
  setBy: '由 {who} 设定',
  derived: '由证据得出',
  expectedEnd: '预计下线时间',
  staysForever: '长期保留',
  noFlags: '没有符合条件的开关。',
  'stage.initial': '初始',
  'stage.pre-live': '预上线',
  'stage.live': '已上线',
  'stage.completed': '已完成',
  'stage.archived': '已归档',
  cleanup: '清理报告',
  cleanupIntro: '应从代码中移除的开关：已全量发布，或在下列天数内没有任何环境评估过。',
  unusedDays: '未使用天数',
  reason: '原因',
  'reason.fully-rolled-out': '已全量发布',
  'reason.unused': '未使用',
  cleanupCount: '{n} 个开关待清理',
  noCleanup: '没有需要清理的开关。',
  releasePages: '发布页面',
  setStage: '设定阶段',
  setStageOf: '设定 {flag} 的阶段',
  stageSet: '{flag} 的阶段已设定',
};

export type ReleaseTextKey = Key;

export function releaseText(lang: Language) {
  const dict: Record<Key, string> = lang === 'zh-CN' ? zhCN : en;
  return (key: Key, params: Record<string, string | number> = {}) =>
    dict[key].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}

export interface PlanMilestoneView {
  name: string;
  channels: Record<string, number>;
  minHoldMinutes: number;
}

export interface TimelineCell {
  percent: number;
  state: 'done' | 'current' | 'next' | 'skipped';
  rolledBack: boolean;
}

/** One row per channel, one cell per milestone: the share there, and where the plan stands. */
export function timeline(
  plan: {
    milestones: PlanMilestoneView[];
    current: number;
    skipped: number[];
    rolledBack: Record<string, number>;
  },
  channels: readonly string[],
): { channel: string; cells: TimelineCell[] }[] {
  return channels.map((channel) => ({
    channel,
    cells: plan.milestones.map((m, i) => {
      const held = plan.rolledBack[channel];
      const base = m.channels[channel] ?? 0;
      const state: TimelineCell['state'] = plan.skipped.includes(i)
        ? 'skipped'
        : i < plan.current
          ? 'done'
          : i === plan.current
            ? 'current'
            : 'next';
      return {
        percent: held !== undefined && i >= plan.current ? Math.min(base, held) : base,
        state,
        rolledBack: held !== undefined && i >= plan.current,
      };
    }),
  }));
}
