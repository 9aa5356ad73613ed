import { render } from 'preact';
import { loadConsoleConfig } from './api';
import { App } from './app';
import './styles.css';
import './workflow.css';

const config = await loadConsoleConfig();
render(<App apiBaseUrl={config.apiBaseUrl} />, document.getElementById('app')!);
