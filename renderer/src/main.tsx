import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from './api/index.ts';
import { App, NoConnection } from './frame/App.tsx';
import './styles.css';

const host = connect();
createRoot(document.getElementById('root')!).render(<StrictMode>{host === null ? <NoConnection /> : <App host={host} />}</StrictMode>);
