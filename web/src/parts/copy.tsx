// A button that copies a text (an invitation code, the identity key) to the
// clipboard, and says whether it worked.
import { useState } from 'preact/hooks';

export function CopyButton(props: { text: string; what: string }) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setSaid('Copied.');
    } catch {
      setSaid('Could not copy: select the text and copy it by hand.');
    }
  };
  return (
    <span>
      <button type="button" onClick={copy}>
        Copy {props.what}
      </button>
      <span role="status" class="said">
        {said}
      </span>
    </span>
  );
}
