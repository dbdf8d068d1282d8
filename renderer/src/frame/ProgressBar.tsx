/** A labelled progress bar: a percentage when the total is known, else an indeterminate sweep. */
export function ProgressBar({ label, percent }: { label: string; percent: number | null }) {
  return (
    <div
      className={`progress-track${percent === null ? ' indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      {...(percent === null ? {} : { 'aria-valuenow': percent })}
    >
      <div className="progress-fill" style={percent === null ? undefined : { width: `${percent}%` }} />
    </div>
  );
}
