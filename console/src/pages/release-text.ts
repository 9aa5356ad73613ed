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
};

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
