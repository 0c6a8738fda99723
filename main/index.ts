// Placeholder: the Electron shell lands with the desktop shell issue.
import { app } from 'electron';

void app.whenReady().then(() => app.quit());
