; Included by electron-builder's NSIS installer (electron-builder.yml: nsis.include).
; Explorer: right-click a folder, or the empty space inside one, and choose
; "Check with Bitbucket Push Doctor". Explorer starts the app with the folder as its argument; a
; running app receives it through 'second-instance' (main/lifecycle.ts) and opens it in its window.
; SHELL_CONTEXT is HKCU for this per-user installer. Windows 11 lists the entry under "Show more options".

!define PUSH_DOCTOR_VERB "BitbucketPushDoctor"

!macro customInstall
  WriteRegStr SHELL_CONTEXT "Software\Classes\Directory\shell\${PUSH_DOCTOR_VERB}" "" "Check with ${PRODUCT_NAME}"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Directory\shell\${PUSH_DOCTOR_VERB}" "Icon" '"$appExe",0'
  WriteRegStr SHELL_CONTEXT "Software\Classes\Directory\shell\${PUSH_DOCTOR_VERB}\command" "" '"$appExe" "%V"'
  WriteRegStr SHELL_CONTEXT "Software\Classes\Directory\Background\shell\${PUSH_DOCTOR_VERB}" "" "Check with ${PRODUCT_NAME}"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Directory\Background\shell\${PUSH_DOCTOR_VERB}" "Icon" '"$appExe",0'
  WriteRegStr SHELL_CONTEXT "Software\Classes\Directory\Background\shell\${PUSH_DOCTOR_VERB}\command" "" '"$appExe" "%V"'
!macroend

!macro customUnInstall
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Directory\shell\${PUSH_DOCTOR_VERB}"
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Directory\Background\shell\${PUSH_DOCTOR_VERB}"
!macroend
