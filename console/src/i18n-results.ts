/**
 * The results' words for channels first (whether an effect differs by channel, on which channels
 * to ship, the per-channel table) and for planning power, in English and Simplified Chinese, shared
 * by the console and `npx omnilab results --lang`. i18n.ts merges them into its dictionaries.
 */

export const resultsEn = {
  'channels.title': 'Per channel',
  'channels.csv': 'Download per-channel CSV',
  'channels.metric': 'Metric',
  'channels.channel': 'Channel',
  'channels.lift': 'Lift',
  'channels.interval': 'Interval',
  'channels.deciding': 'Deciding figure',
  'channels.status': 'Status',
  'channels.harm': 'HARM',
  'channels.ok': 'ok',
  'channels.better': 'better',
  'channels.worse': 'worse',
  'channels.noDifference': 'no clear difference',
  'channels.pending': 'not enough data',
  'het.title': 'Does the effect differ by channel?',
  'het.differs':
    '{variant}: the effect on {metric} differs by channel (Cochran’s Q = {q}, {dof} degrees of freedom, Holm-adjusted p {p}); lifts range from {min} to {max}.',
  'het.same':
    '{variant}: no evidence that the effect on {metric} differs by channel (Holm-adjusted p {p}); the pooled lift {pooled} is the best estimate on every channel.',
  'het.tooFew':
    '{variant}: {metric} has data on fewer than two channels, so channels cannot be compared yet.',
  'fit.title': 'Where to ship',
  'fit.invalid': 'Assignment is broken: no channel can be recommended.',
  'fit.wait': 'No channel is ready to ship yet.',
  'fit.ship-everywhere': 'Ship {variant} on every channel: {ship}.',
  'fit.ship-on-some': 'Ship {variant} on {ship}; not yet on {rest}.',
  'fit.ship-nowhere': 'Do not ship {variant} on any channel.',
  'fit.because.consistent-win': 'the lift holds overall and does not differ by channel',
  'fit.because.channel-win': 'its own lift is significant, and the effect differs by channel',
  'fit.because.guardrail-harm': 'a guardrail is degraded there ({metrics})',
  'fit.because.primary-worse': 'the primary metric is significantly worse there',
  'fit.because.srm': 'its sample-ratio check fails',
  'fit.because.inconclusive': 'no significant lift overall yet',
  'fit.because.channel-inconclusive': 'the effect differs by channel and is not yet clear here',
  'fit.advice.ship': 'ship',
  'fit.advice.hold': 'hold',
  'fit.advice.wait': 'wait',
  'fit.line': '{channel}: {advice} — {because}.',
  'fit.separator': ', ',
  'power.title': 'Power',
  'power.mde':
    'With about {daily} units a day for {days} days ({perArm} per arm), the {test} detects a lift of {mde} or more on {metric} (power {power}).',
  'power.none': 'With this traffic and duration no lift on {metric} can be detected reliably.',
  'power.source.history': 'Variance from experiment {experiment} ({units} units in its control).',
  'power.source.given': 'Variance from the baseline given (no earlier experiment measured it).',
  'experiment.bayesian': 'Bayesian, ship at a chance to beat control of {threshold}',
  'results.pLabel.chance to beat control': 'chance to beat control',
  'results.pLabel.chance of harm': 'chance of harm',
  'results.decidedByBayes':
    'Decided by: the Bayesian engine, ship when the chance to beat control is at least {threshold} ({confidence} credible intervals, no correction). Guardrails: a guardrail halts on the sequential test (always-valid p) at {guardrailAlpha} each, and stops shipping when its chance of harm beyond its tolerance reaches {threshold}.',
  'results.risk': 'Risk if shipped',
  'results.secondaryFrequentist': 'Secondary: p (frequentist)',
  'reason.lift-bayes':
    '{variant}: {metric} {lift}{where} ({confidence} credible interval {lower} to {upper}, chance to beat control {p}), {significance}.',
  'reason.bayesWin': 'at least {threshold}',
  'reason.bayesLose': 'at most {threshold}',
  'reason.bayesOpen': 'short of {threshold}',
  'reason.guardrail-chance':
    '{variant}: {metric} {direction} by {change} {where} (chance of harm beyond its {tolerance} tolerance {p}, at least {threshold}).',
  'reason.decided-by-bayes':
    'Decided by the Bayesian engine: ship when the chance to beat control is at least {threshold}{guardrails}.',
  'reason.decidedGuardrailsBayes':
    '; a guardrail halts on the sequential test (always-valid p) at {level} each and blocks shipping when its chance of harm reaches {threshold}',
  'results.harmLineChance':
    '{metric} {change} for {variant} {where} (chance of harm beyond its {tolerance} tolerance {p}): do not ship as is.',
} as const;

export const resultsZh: Record<keyof typeof resultsEn, string> = {
  'channels.title': '分渠道结果',
  'channels.csv': '下载分渠道 CSV',
  'channels.metric': '指标',
  'channels.channel': '渠道',
  'channels.lift': '提升',
  'channels.interval': '区间',
  'channels.deciding': '判定依据',
  'channels.status': '状态',
  'channels.harm': '有损害',
  'channels.ok': '正常',
  'channels.better': '变好',
  'channels.worse': '变差',
  'channels.noDifference': '无明显差异',
  'channels.pending': '数据不足',
  'het.title': '效果是否因渠道而异？',
  'het.differs':
    '{variant}：{metric} 的效果因渠道而异（Cochran Q = {q}，自由度 {dof}，Holm 校正后 p {p}）；各渠道提升从 {min} 到 {max}。',
  'het.same':
    '{variant}：没有证据表明 {metric} 的效果因渠道而异（Holm 校正后 p {p}）；合并提升 {pooled} 是各渠道的最佳估计。',
  'het.tooFew': '{variant}：{metric} 只有不到两个渠道有数据，暂时无法比较渠道。',
  'fit.title': '在哪些渠道发布',
  'fit.invalid': '分流有误：无法推荐任何渠道。',
  'fit.wait': '目前还没有可以发布的渠道。',
  'fit.ship-everywhere': '在所有渠道发布 {variant}：{ship}。',
  'fit.ship-on-some': '在{ship}发布 {variant}；{rest}暂不发布。',
  'fit.ship-nowhere': '不要在任何渠道发布 {variant}。',
  'fit.because.consistent-win': '整体提升显著，且各渠道效果无差异',
  'fit.because.channel-win': '该渠道自身提升显著，且效果因渠道而异',
  'fit.because.guardrail-harm': '该渠道有护栏指标变差（{metrics}）',
  'fit.because.primary-worse': '该渠道主要指标显著变差',
  'fit.because.srm': '该渠道样本比例失衡',
  'fit.because.inconclusive': '整体尚无显著提升',
  'fit.because.channel-inconclusive': '效果因渠道而异，该渠道尚不明确',
  'fit.advice.ship': '发布',
  'fit.advice.hold': '暂缓',
  'fit.advice.wait': '等待',
  'fit.line': '{channel}：{advice}——{because}。',
  'fit.separator': '、',
  'power.title': '检验效能',
  'power.mde':
    '每天约 {daily} 个单位、运行 {days} 天（每组 {perArm} 个），{test}可检测到 {metric} 提升 {mde} 或以上（效能 {power}）。',
  'power.none': '按此流量和时长，无法可靠地检测 {metric} 的任何提升。',
  'power.source.history': '方差来自实验 {experiment}（其对照组 {units} 个单位）。',
  'power.source.given': '方差来自给定的基线（此前没有实验测量过该指标）。',
  'experiment.bayesian': '贝叶斯，胜过对照组的概率达到 {threshold} 即发布',
  'results.pLabel.chance to beat control': '胜过对照组的概率',
  'results.pLabel.chance of harm': '损害概率',
  'results.decidedByBayes':
    '判定方式：贝叶斯引擎，胜过对照组的概率达到 {threshold} 即可发布（{confidence} 可信区间，不做多重比较校正）。护栏指标：序贯检验（始终有效 p）每项水平 {guardrailAlpha} 时叫停；超出容忍度的损害概率达到 {threshold} 时不予发布。',
  'results.risk': '发布的风险',
  'results.secondaryFrequentist': '次要：p（频率学派）',
  'reason.lift-bayes':
    '{variant}：{metric} {where}变化 {lift}（{confidence} 可信区间 {lower} 至 {upper}，胜过对照组的概率 {p}），{significance}。',
  'reason.bayesWin': '达到 {threshold}',
  'reason.bayesLose': '不超过 {threshold}',
  'reason.bayesOpen': '未达到 {threshold}',
  'reason.guardrail-chance':
    '{variant}：{metric} {where}{direction} {change}（超出 {tolerance} 容忍度的损害概率 {p}，达到 {threshold}）。',
  'reason.decided-by-bayes': '由贝叶斯引擎判定：胜过对照组的概率达到 {threshold} 即可发布{guardrails}。',
  'reason.decidedGuardrailsBayes':
    '；护栏指标由序贯检验（始终有效 p）每项水平 {level} 时叫停，损害概率达到 {threshold} 时不予发布',
  'results.harmLineChance':
    '{variant} 的 {metric} {where}变化 {change}（超出 {tolerance} 容忍度的损害概率 {p}）：不宜按原样发布。',
};
