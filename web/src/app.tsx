export function App(props: { sessionError?: string }) {
  return <main>{props.sessionError ?? 'backchannel'}</main>;
}
