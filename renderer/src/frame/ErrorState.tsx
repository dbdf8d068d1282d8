import type { ReactNode } from 'react';

/** A view that could not load: what failed, why, Try again (and any other way out, as children). */
export function ErrorState({ title, message, onRetry, children }: { title: string; message: string; onRetry(): void; children?: ReactNode }) {
  return (
    <div className="empty-state" role="alert">
      <h2>{title}</h2>
      <p>{message}</p>
      <div className="button-row">
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
        {children}
      </div>
    </div>
  );
}
