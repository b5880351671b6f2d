// The talks' record: its integrity as the core checks it (the hash chain) and
// an export (Markdown or JSON, readable UTC times, the outcome summarised at
// the top) offered as a download from a Blob URL (a navigation, which the
// CSP allows; no fetch to another origin).
import { useEffect, useRef, useState } from 'preact/hooks';
import { useAction } from '../../parts/form';
import { Problem } from '../../parts/problem';
import { type RecordCheck, type RecordFile, type TalksView, talksOp } from '../../talks_api';

export function Record(props: { view: TalksView }) {
  const [check, setCheck] = useState<RecordCheck | null>(null);
  const [file, setFile] = useState<{ name: string; url: string } | null>(null);
  const verify = useAction();
  const exporting = useAction();
  // The download link appears below the buttons: it takes the focus, so
  // Enter right after the export saves the file.
  const downloadLink = useRef<HTMLAnchorElement>(null);
  useEffect(() => downloadLink.current?.focus(), [file]);
  // A Blob URL lives until revoked: one at a time.
  useEffect(() => () => file && URL.revokeObjectURL(file.url), [file]);

  const runVerify = async () => {
    const got = await verify.run(() => talksOp<RecordCheck>('record.verify', { talks: props.view.talks }));
    if (got) setCheck(got.result);
  };
  const runExport = async (format: 'md' | 'json') => {
    const got = await exporting.run(() => talksOp<RecordFile>('record.export', { talks: props.view.talks, format }));
    if (got) {
      const blob = new Blob([got.result.content], { type: got.result.content_type });
      setFile({ name: got.result.filename, url: URL.createObjectURL(blob) });
    }
  };
  return (
    <>
      <h3>The record</h3>
      <button type="button" disabled={verify.busy} onClick={runVerify}>
        Verify the record
      </button>
      <Problem error={verify.error} />
      {check && (
        <p role="status" class={check.intact ? '' : 'alarm'}>
          {check.intact ? 'The record is intact' : 'The record is damaged'}: {check.entries} entries, head{' '}
          <code class="key">{check.head}</code>
          {check.problem && <> — {check.problem}</>}
        </p>
      )}
      <p>
        <button type="button" disabled={exporting.busy} onClick={() => runExport('md')}>
          Export as Markdown
        </button>{' '}
        <button type="button" disabled={exporting.busy} onClick={() => runExport('json')}>
          Export as JSON
        </button>
      </p>
      <Problem error={exporting.error} />
      {file && (
        <p>
          <a href={file.url} download={file.name} ref={downloadLink}>
            Download {file.name}
          </a>
        </p>
      )}
    </>
  );
}
