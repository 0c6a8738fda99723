@echo off
rem push-doctor: the command line tool of the installed Bitbucket Push Doctor app (Windows).
rem It runs the app's own binary as --cli (main/cli-mode.ts): the packaged Electron cannot run as Node
rem because its RunAsNode fuse is off. The app is two folders up: resources\cli\push-doctor.cmd beside
rem bitbucket-push-doctor.exe. Everything after -- is the CLI's, never a switch for Chromium.
rem The app is a Windows GUI program: a command script waits for it and passes on its exit status, and
rem its output goes to the console this was started from, but it cannot read answers typed there
rem (use --yes). For scripts and CI on Windows, use the npm package: npx bitbucket-push-doctor
setlocal
set "PUSH_DOCTOR_APP=%~dp0..\..\bitbucket-push-doctor.exe"
if exist "%PUSH_DOCTOR_APP%" goto run
echo push-doctor: the Bitbucket Push Doctor app is not where this launcher expects it (%PUSH_DOCTOR_APP%). 1>&2
echo Reinstall the app, or use the npm package: npx bitbucket-push-doctor 1>&2
exit /b 2
:run
"%PUSH_DOCTOR_APP%" --cli -- %*
exit /b %ERRORLEVEL%
