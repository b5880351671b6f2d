// Runs one API call for a form: disables the submit button while it runs and
// keeps the error to show. Returns the answer's fields on success.
import { useId, useState } from 'preact/hooks';
import type { Answer, ApiError } from '../api';

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  async function run<T>(call: () => Promise<Answer<T>>): Promise<T | null> {
    setBusy(true);
    setError(null);
    try {
      const answer = await call();
      if (!answer.ok) {
        setError(answer.error);
        return null;
      }
      return answer as T;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}

// A text field with its label (every control is labelled).
export function Field(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: string;
  required?: boolean;
  autoComplete?: string;
  multiline?: boolean;
  hint?: string;
  autoFocus?: boolean;
}) {
  const onInput = (e: Event) => props.onInput((e.currentTarget as HTMLInputElement).value);
  // The hint describes the control (aria-describedby) without being part of
  // its name.
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.multiline ? (
        <textarea
          id={id}
          value={props.value}
          onInput={onInput}
          required={props.required}
          dir="auto"
          rows={3}
          aria-describedby={hintId}
        />
      ) : (
        <input
          id={id}
          aria-describedby={hintId}
          type={props.type ?? 'text'}
          value={props.value}
          onInput={onInput}
          required={props.required}
          autoComplete={props.autoComplete ?? 'off'}
          autoFocus={props.autoFocus}
          dir={props.type === 'password' ? undefined : 'auto'}
        />
      )}
      {props.hint && <small id={hintId}>{props.hint}</small>}
    </div>
  );
}
