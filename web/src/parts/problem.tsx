// An error as the API gives it: the message already says what to do, so it
// is shown as it is (as text: it may quote what a party typed).
import type { ApiError } from '../api';

export function Problem(props: { error?: ApiError | null }) {
  if (!props.error) return null;
  return (
    <p class="problem" role="alert">
      <bdi dir="auto">{props.error.message}</bdi>
    </p>
  );
}
