; Inno Setup 6 script: a per-user installer for the PyInstaller one-folder build.
;
; Build the bundle first (python packaging/build.py makes dist\annotator\), then:
;   ISCC /DAppVersion=0.1.0 packaging\windows\annotator.iss
; The installer lands in dist\Annotator-<version>-setup.exe.
;
; Per-user on purpose: analysts on managed office PCs rarely have admin rights,
; so it installs under %LOCALAPPDATA%\Programs and writes only to HKCU.
;
; The icon resources\icon.ico is not in git: the CI workflow makes it from
; resources\icon.png with Pillow before compiling this script.

#ifndef AppVersion
  #error Pass the version from pyproject.toml: ISCC /DAppVersion=0.1.0 packaging\windows\annotator.iss
#endif
#ifndef AppExeName
  #define AppExeName "annotator.exe"
#endif
; SourcePath is this script's folder (with a trailing backslash); paths are taken from the
; repository root so the script compiles from any working directory.
#define RepoRoot SourcePath + "..\.."

[Setup]
; Never change AppId: Windows recognises upgrades and the uninstaller by it.
AppId={{B42AF5D1-67C0-426B-BD91-8A4C3965E059}
AppName=Annotator
AppVersion={#AppVersion}
AppVerName=Annotator {#AppVersion}
AppPublisher=Annotator project
AppComments=Annotate claims, entities and stance in news articles
PrivilegesRequired=lowest
DefaultDirName={userpf}\Annotator
DefaultGroupName=Annotator
DisableProgramGroupPage=yes
DisableDirPage=auto
UninstallDisplayName=Annotator {#AppVersion}
UninstallDisplayIcon={app}\{#AppExeName}
SetupIconFile={#RepoRoot}\resources\icon.ico
OutputDir={#RepoRoot}\dist
OutputBaseFilename=Annotator-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; The PyInstaller build on the 64-bit runner contains 64-bit Qt only.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 needs Windows 10 or later.
MinVersion=10.0
; An open Annotator holds its DLLs; ask to close it rather than fail half-way.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade must not leave the previous version's Qt and Python DLLs next to the new ones:
; the loader could pick a stale one and the app would close at once.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#RepoRoot}\dist\annotator\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Annotator"; Filename: "{app}\{#AppExeName}"; Comment: "Annotate claims, entities and stance in news articles"
Name: "{autodesktop}\Annotator"; Filename: "{app}\{#AppExeName}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,Annotator}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] for the user data folder: projects there are the analyst's work
; and must survive uninstalling or reinstalling the app.
