/** The `text` panel: markdown (@grafana/data's `renderTextPanelMarkdown`) or HTML from its options; no queries. */
import { renderTextPanelMarkdown } from '@grafana/data';

import type { PanelDescriptor, PanelProps } from '../descriptor';

function TextPanel({ options, height, replaceVariables }: PanelProps) {
  const content = replaceVariables(String(options.content ?? ''), undefined, 'html');
  const html = options.mode === 'html' ? content : renderTextPanelMarkdown(content);
  return <div className="markdown-html" style={{ height, overflow: 'hidden' }} dangerouslySetInnerHTML={{ __html: html }} />;
}

export const text: PanelDescriptor = {
  type: 'text',
  defaults: { options: { mode: 'markdown', content: '', code: { language: 'plaintext', showLineNumbers: false, showMiniMap: false } }, fieldConfig: {} },
  optionRules: { options: [{ path: 'mode', allowed: ['markdown', 'html'] }] },
  drawsOnCanvas: false,
  runsQueries: false,
  drawsNoData: false,
  Component: TextPanel,
};
